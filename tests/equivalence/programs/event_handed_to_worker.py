# An Event handed to the worker function of a green thread (and a Queue handed to a helper):
# the objects are followed into the functions' parameters and migrated with them.
import eventlet
from eventlet import event
from eventlet import queue


def worker(done, results, n):
    for i in range(n):
        results.put(i * i)
        eventlet.sleep(0.001)
    done.send()


def drain(results):
    out = []
    while not results.empty():
        out.append(results.get())
    return out


def main():
    done = event.Event()
    results = queue.Queue()
    eventlet.spawn_n(worker, done, results, 4)
    done.wait()
    print("worker finished", drain(results))


if __name__ == "__main__":
    main()
