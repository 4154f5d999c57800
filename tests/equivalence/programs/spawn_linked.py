# A supervisor that starts workers and learns of their end through link() callbacks, as
# nova's and oslo.service's thread bookkeeping does: each callback takes the worker out of
# the registry, and the last one wakes the supervisor. A callback linked to a worker that
# has already finished runs at once. No one waits for the workers themselves.
import threading

import eventlet

eventlet.monkey_patch()

registry = {}
ended = []
lock = threading.Lock()
all_done = threading.Event()


def work(name, seconds):
    eventlet.sleep(seconds)
    return name.upper()


def forget(thread, name):
    with lock:
        del registry[name]
        ended.append(name)
        if not registry:
            all_done.set()


def supervise(jobs):
    for name, seconds in jobs:
        worker = eventlet.spawn(work, name, seconds)
        registry[name] = seconds
        worker.link(forget, name)
    all_done.wait(5)
    print("ended", sorted(ended), "left", registry)


def record(thread, name, results):
    try:
        results[name] = thread.wait()
    except ValueError as e:
        results[name] = "failed: %s" % e


def check(path):
    if path.endswith(".tmp"):
        raise ValueError("temporary file " + path)
    eventlet.sleep(0.01)
    return len(path)


def scan(paths):
    # The callbacks read each green thread's value, or the error it ended with.
    results = {}
    for path in paths:
        eventlet.spawn(check, path).link(record, path, results)
    eventlet.sleep(0.2)
    print(sorted(results.items()))


def late_link():
    quick = eventlet.spawn(work, "quick", 0)
    eventlet.sleep(0.05)
    heard = []
    quick.link(lambda thread: heard.append("linked after the end"))
    print(heard)


if __name__ == "__main__":
    supervise([("a", 0.06), ("b", 0.02), ("c", 0.04)])
    late_link()
    scan(["a.txt", "b.tmp", "config.ini"])
