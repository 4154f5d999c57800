# Use case: green thread management
"""Check the health of many hosts with a pool of green threads."""

import logging

import eventlet

from monitor import checks

LOG = logging.getLogger(__name__)


def check_hosts(hosts):
    pool = eventlet.GreenPool(20)
    for host in hosts:
        pool.spawn_n(checks.ping, host)
    results = list(pool.imap(checks.http_status, hosts))
    pool.waitall()
    return dict(zip(hosts, results))


def count_instances(host):
    gt = eventlet.spawn(checks.count_instances, host)
    value = gt.wait()
    LOG.info('%s runs %d instances', host, value)
    return value


def drain_events(events):
    work = eventlet.queue.Queue()
    limit = eventlet.semaphore.Semaphore(5)

    def consumer():
        while True:
            try:
                item = work.get(timeout=1)
            except eventlet.queue.Empty:
                return
            with limit:
                checks.handle_event(item)
            work.task_done()

    for item in events:
        work.put(item)
    for _ in range(3):
        eventlet.spawn_n(consumer)
    work.join()
