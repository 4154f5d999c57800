"""A pool of workers checking hosts."""

import logging

import eventlet
from eventlet import event
from eventlet import queue

from nova import utils

LOG = logging.getLogger(__name__)


class Checker(object):

    def __init__(self, size):
        self._done = event.Event()
        self._results = queue.Queue()
        self._size = size

    def _check(self, host):
        self._results.put(utils.retry(lambda: host.upper()))

    def run(self, hosts):
        pool = eventlet.GreenPool(self._size)
        for host in hosts:
            pool.spawn_n(self._check, host)
        pool.waitall()
        self._done.send()
        return sorted(self._results.get() for _ in hosts)

    def finished(self):
        return self._done.ready()
