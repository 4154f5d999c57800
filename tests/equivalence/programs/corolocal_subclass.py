# Exercises a subclass of eventlet.corolocal.local with per-thread __init__ defaults (oslo.context style).
import eventlet
from eventlet import corolocal
from eventlet import queue


class RequestStore(corolocal.local):
    def __init__(self):
        super().__init__()
        self.context = None
        self.depth = 0


STORE = RequestStore()


def handle(request_id, out):
    fresh = STORE.context is None and STORE.depth == 0
    STORE.context = request_id
    for _ in range(3):
        STORE.depth += 1
        eventlet.sleep(0.001)
    out.put((request_id, fresh, STORE.context, STORE.depth))


def main():
    STORE.context = "main"
    STORE.depth = 100
    out = queue.Queue()
    for rid in ("req-1", "req-2", "req-3"):
        eventlet.spawn_n(handle, rid, out)
    rows = sorted(out.get() for _ in range(3))
    for row in rows:
        print(*row)
    print("main", STORE.context, STORE.depth)


if __name__ == "__main__":
    main()
