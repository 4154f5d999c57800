# Exercises a bounded eventlet.queue.Queue(2): put_nowait raising Full, qsize/full/empty.
from eventlet import queue


def main():
    q = queue.Queue(2)
    accepted = []
    rejected = []
    for item in ["a", "b", "c", "d"]:
        try:
            q.put_nowait(item)
            accepted.append(item)
        except queue.Full:
            rejected.append(item)
    print("accepted", accepted)
    print("rejected", rejected)
    print("size", q.qsize(), "full", q.full())
    print(q.get(), q.get())
    print("empty", q.empty())
    try:
        q.get(block=False)
    except queue.Empty:
        print("nothing left")


if __name__ == "__main__":
    main()
