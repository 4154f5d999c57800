# Exercises GreenPool.spawn with the result discarded, then waitall(), on a pool kept by a class.
import eventlet
from eventlet import semaphore


class Reaper(object):
    def __init__(self):
        self.reaped = []
        self.lock = semaphore.Semaphore()

    def reap(self, name, delay):
        eventlet.sleep(delay)
        with self.lock:
            self.reaped.append(name)

    def reap_all(self, names):
        pool = eventlet.GreenPool()
        for i, name in enumerate(names):
            pool.spawn(self.reap, name, 0.001 * i)
        pool.waitall()
        return sorted(self.reaped)


def main():
    print(Reaper().reap_all(["vm-c", "vm-a", "vm-b"]))


if __name__ == "__main__":
    main()
