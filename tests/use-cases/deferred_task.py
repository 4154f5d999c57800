# Use case: deferred task management
"""Expire idle console sessions after a grace period."""

import logging

import eventlet

LOG = logging.getLogger(__name__)

GRACE_PERIOD = 30


class ConsoleSession(object):
    """A console session that is closed when left idle."""

    def __init__(self, session_id, idle_timeout=300):
        self.session_id = session_id
        self.idle_timeout = idle_timeout
        self._timer = None

    def touch(self):
        """Restart the idle timer."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = eventlet.spawn_after(self.idle_timeout,
                                           self.expire, 'idle')

    def expire(self, reason):
        LOG.info('Closing console session %s (%s)', self.session_id, reason)
        self._timer = None
        eventlet.spawn_after(GRACE_PERIOD, _purge_session, self.session_id)

    def close(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _purge_session(session_id):
    LOG.debug('Purging console session %s', session_id)


def schedule_cleanup(sessions, delay=GRACE_PERIOD):
    for session in sessions:
        eventlet.spawn_after(delay, session.expire, reason='shutdown')
