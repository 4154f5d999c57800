# Use case: background execution of long tasks
"""Periodically report resource usage from a background green thread."""

import logging

import eventlet
from eventlet import event

from compute import resources

LOG = logging.getLogger(__name__)


class UsageReporter(object):
    """Report usage every ``interval`` seconds until stopped."""

    def __init__(self, interval=60):
        self.interval = interval
        self._stop_event = event.Event()
        self._thread = None

    def start(self):
        self._thread = eventlet.spawn(self._run)
        eventlet.spawn_n(self._warm_cache, 'hypervisor', force=True)

    def _warm_cache(self, name, force=False):
        LOG.debug('Warming %s cache (force=%s)', name, force)
        resources.refresh(name, force=force)

    def _run(self):
        while not self._stop_event.ready():
            try:
                resources.report_usage()
            except Exception:
                LOG.exception('Failed to report usage')
            eventlet.sleep(self.interval)
        LOG.info('Usage reporter stopped')

    def stop(self):
        self._stop_event.send()
        if self._thread is not None:
            self._thread.wait()
            self._thread = None

    def wait_stopped(self):
        self._stop_event.wait()
