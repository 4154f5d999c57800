# Use case: deadlines on blocking calls
"""Wait for replies, jobs and workers, each with a deadline of its own."""

import logging

import eventlet
from eventlet import event
from eventlet import queue

LOG = logging.getLogger(__name__)


class Dispatcher(object):
    """Hand jobs to a worker and wait for its answers, never for long."""

    def __init__(self, handler):
        self._handler = handler
        self._jobs = queue.Queue()
        self._started = event.Event()

    def _run(self):
        self._started.send()
        while True:
            job = self._jobs.get()
            if job is None:
                return
            self._handler(job)

    def start(self, deadline):
        eventlet.spawn_n(self._run)
        try:
            with eventlet.Timeout(deadline):
                self._started.wait()
        except eventlet.Timeout:
            LOG.warning("dispatcher did not start within %s s", deadline)
            return False
        return True

    def submit(self, job, deadline):
        try:
            with eventlet.Timeout(deadline):
                self._jobs.put(job)
        except eventlet.Timeout:
            LOG.warning("queue full: dropped %s", job)

    def take(self, deadline):
        # What follows the get never yields: it leaves the `with` with it.
        try:
            with eventlet.Timeout(deadline):
                job = self._jobs.get()
                self.taken += 1
        except eventlet.Timeout:
            return None
        return job

    def stop(self):
        with eventlet.Timeout(1, False):
            self._jobs.put(None)


def collect(replies, deadline):
    """Read replies until none arrives within the deadline (kept: several statements)."""
    got = []
    try:
        with eventlet.Timeout(deadline):
            got.append(replies.get())
            got.append(replies.get())
    except eventlet.Timeout:
        pass
    return got


def first_reply(deadline):
    replies = queue.Queue()
    with eventlet.Timeout(deadline, False):
        return replies.get()
