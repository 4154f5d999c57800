# A pool attribute set by the same constructor in two methods (`__init__` and `reset`): one
# family of objects, rewritten together with the methods called on it.
import eventlet

results = []


class Service(object):

    def __init__(self, size):
        self._pool = eventlet.GreenPool(size)

    def reset(self, size):
        self._pool = eventlet.GreenPool(size)

    def submit(self, fn, *args):
        self._pool.spawn_n(fn, *args)


def record(x):
    eventlet.sleep(0.001 * x)
    results.append(x)


def main():
    service = Service(2)
    for x in (3, 1, 2):
        service.submit(record, x)
    eventlet.sleep(0.05)
    service.reset(4)
    service.submit(record, 9)
    eventlet.sleep(0.05)
    print(sorted(results))


if __name__ == "__main__":
    main()
