"""Utilities shared by the services."""

import logging

import eventlet

LOG = logging.getLogger(__name__)


def retry(func, attempts=3, delay=0.01):
    for attempt in range(attempts):
        try:
            return func()
        except ValueError:
            LOG.debug('attempt %d failed', attempt)
            eventlet.sleep(delay)
    raise ValueError('gave up')


def spawn_background(func, *args):
    eventlet.spawn_n(func, *args)
