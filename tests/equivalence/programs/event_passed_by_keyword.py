# Objects handed to a worker by keyword (`spawn(worker, 1, done=done)`, `helper(q=results)`):
# followed into the parameters of that name and migrated with them.
import eventlet
from eventlet import event
from eventlet import queue


def worker(n, results=None, *, done):
    for i in range(n):
        results.put(i + 10)
        eventlet.sleep(0.001)
    done.send(n)


def drain(q):
    out = []
    while not q.empty():
        out.append(q.get())
    return out


def main():
    done = event.Event()
    results = queue.Queue()
    eventlet.spawn(worker, 3, results=results, done=done)
    print("worker returned", done.wait())
    print("drained", drain(q=results))


if __name__ == "__main__":
    main()
