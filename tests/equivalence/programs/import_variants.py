# Exercises less common import forms: `import eventlet.greenthread`, `from eventlet import spawn, sleep as
# esleep`, `from eventlet.greenthread import spawn_n`, and re-exports (eventlet.Event, eventlet.Queue).
import eventlet
import eventlet.greenthread
from eventlet.greenthread import spawn_n
from eventlet import sleep as esleep
from eventlet import spawn


def produce(q, n):
    eventlet.greenthread.sleep(0.001)
    q.put(n * 3)


def main():
    q = eventlet.Queue()
    finished = eventlet.Event()

    def last():
        esleep(0.01)
        finished.send()

    spawn(produce, q, 1)
    spawn_n(produce, q, 2)
    eventlet.spawn_n(produce, q, 3)
    spawn_n(last)
    values = sorted([q.get(), q.get(), q.get()])
    finished.wait()
    print(values, finished.ready())


if __name__ == "__main__":
    main()
