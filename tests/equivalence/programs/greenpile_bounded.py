# A GreenPile of size 2 runs at most two tasks at once; after migration the pile keeps its
# bound (a FuturePile over an executor of two threads), and results come back in order.
import threading

import eventlet

LOCK = threading.Lock()
RUNNING = [0]
PEAK = [0]


def task(n):
    with LOCK:
        RUNNING[0] += 1
        PEAK[0] = max(PEAK[0], RUNNING[0])
    eventlet.sleep(0.01)
    with LOCK:
        RUNNING[0] -= 1
    return n * n


def main():
    pile = eventlet.GreenPile(2)
    for n in range(6):
        pile.spawn(task, n)
    print(list(pile))
    print('peak', PEAK[0])


if __name__ == "__main__":
    main()
