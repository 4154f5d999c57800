# A wrapper that hands its own *args/**kwargs to a green thread: migrated to
# `threading.Thread(target=f, args=args, kwargs=kwargs)`.
import eventlet
from eventlet import queue

results = queue.Queue()


def record(*args, **kwargs):
    results.put((args, sorted(kwargs.items())))


def run(f, *args, **kwargs):
    eventlet.spawn_n(f, *args, **kwargs)


def main():
    run(record, 1, 2, key="v")
    print(results.get())
    run(record)
    print(results.get())


if __name__ == "__main__":
    main()
