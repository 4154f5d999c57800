# Exercises eventlet.getcurrent() identity and eventlet.corolocal.local() values per green thread.
import eventlet
from eventlet import corolocal
from eventlet import queue

_store = corolocal.local()


def remember(name, out):
    me = eventlet.getcurrent()
    had_value = hasattr(_store, "request_id")
    _store.request_id = "req-" + name
    eventlet.sleep(0.01)
    out.put((name, _store.request_id, had_value, me is eventlet.getcurrent(), me))


def main():
    print("same in main:", eventlet.getcurrent() is eventlet.getcurrent())
    _store.request_id = "req-main"
    out = queue.Queue()
    eventlet.spawn(remember, "a", out)
    eventlet.spawn(remember, "b", out)
    rows = sorted([out.get(), out.get()], key=lambda row: row[0])
    for name, request_id, had_value, stable, _ in rows:
        print(name, request_id, "inherited:", had_value, "stable:", stable)
    print("distinct threads:", rows[0][4] is not rows[1][4])
    print("main differs:", rows[0][4] is not eventlet.getcurrent())
    print("main value:", _store.request_id)


if __name__ == "__main__":
    main()
