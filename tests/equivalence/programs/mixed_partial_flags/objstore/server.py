import queue

import eventlet
from eventlet import semaphore

from objstore import utils

done = []
lock = semaphore.Semaphore(1)


def replicate(jobs):
    while True:
        job = jobs.get()
        with lock:
            done.append(job)
        eventlet.sleep(0.01)


def main():
    utils.monkey_patch()
    jobs = queue.Queue()
    replicator = eventlet.spawn(replicate, jobs)
    for job in "abc":
        jobs.put(job)
    eventlet.sleep(0.2)
    print("replicated", done)
    replicator.kill()
    print("killed", replicator.dead)
