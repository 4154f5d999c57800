# Use case: integration with other libraries
"""Run a blocking database driver and native libraries under eventlet."""

import logging

import eventlet
import eventlet.corolocal
import eventlet.debug
import eventlet.hubs
import eventlet.patcher
import eventlet.tpool

from storage import driver

LOG = logging.getLogger(__name__)

eventlet.hubs.use_hub('poll')
eventlet.debug.hub_prevent_multiple_readers(False)

real_threading = eventlet.patcher.original('threading')
_context = eventlet.corolocal.local()


def query(sql, params):
    """Run a blocking query in the native thread pool."""
    return eventlet.tpool.execute(driver.execute, sql, params)


def open_connection(dsn):
    conn = driver.connect(dsn)
    return eventlet.tpool.Proxy(conn)


def describe_runtime():
    if eventlet.patcher.is_monkey_patched('socket'):
        LOG.info('Sockets are green')
    lock = real_threading.Lock()
    with lock:
        _context.owner = eventlet.getcurrent()
    return _context.owner
