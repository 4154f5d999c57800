# Exercises eventlet.monkey_patch(...) with keyword arguments inside `if __name__ == "__main__":` (the block keeps main()).
import queue
import threading
import time

import eventlet


def main():
    q = queue.Queue()

    def worker(n):
        time.sleep(0.001 * n)
        q.put(n)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sorted(q.get() for _ in range(3)))


def setup():
    eventlet.monkey_patch(os=False, thread=True)


if __name__ == "__main__":
    setup()
    main()
