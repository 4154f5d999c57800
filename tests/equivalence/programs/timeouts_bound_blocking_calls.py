# A job runner: a producer feeds a queue and says when it is ready; the runner waits for
# it with a deadline, drains the queue until it stays empty for a moment, takes a slot
# with a deadline, and gives a slow worker a deadline too. Each `with eventlet.Timeout`
# bounds one blocking call, silently or caught by the handler around it.
import eventlet
eventlet.monkey_patch()

import time

import eventlet.event
import eventlet.queue
import eventlet.semaphore


def produce(jobs, ready, count):
    for i in range(count):
        time.sleep(0.01)
        jobs.put('job-%d' % i)
    ready.send()


def slow(seconds):
    time.sleep(seconds)
    return 'slow done'


def drain(jobs):
    taken = []
    while True:
        try:
            with eventlet.Timeout(0.2):
                job = jobs.get()
        except eventlet.Timeout:
            break
        taken.append(job)
    return taken


def main():
    jobs = eventlet.queue.Queue()
    ready = eventlet.event.Event()
    slots = eventlet.semaphore.Semaphore(1)
    eventlet.spawn_n(produce, jobs, ready, 3)
    try:
        with eventlet.Timeout(2):
            ready.wait()
    except eventlet.Timeout:
        print('producer late')
    else:
        print('producer ready')
    print('jobs:', drain(jobs))

    never = eventlet.event.Event()
    try:
        with eventlet.Timeout(0.05):
            never.wait()
    except (eventlet.Timeout, KeyError):
        print('nobody sent it')

    # What follows the call in the `with` never yields: it moves out of it with the call.
    jobs.put('last')
    for _ in range(2):
        try:
            with eventlet.Timeout(0.2):
                job = jobs.get()
                size = len(job)
                print('late job', job, size)
        except eventlet.Timeout:
            print('no late job')

    slots.acquire()
    with eventlet.Timeout(0.05, False):
        slots.acquire()
    print('second acquire gave up')
    slots.release()

    first = None
    with eventlet.Timeout(1, False):
        first = jobs.get()
    print('empty queue left', first)

    worker = eventlet.spawn(slow, 0.3)
    result = 'not yet'
    with eventlet.Timeout(0.05, False):
        result = worker.wait()
    print('after a short wait:', result)
    with eventlet.Timeout(2, False):
        result = worker.wait()
    print('after a long wait:', result)


if __name__ == "__main__":
    main()
