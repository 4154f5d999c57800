# Exercises an OpenStack-style service class keeping eventlet objects on self: a GreenPool, a stop
# Event, a worker green thread and a work queue, started in start() and stopped in stop().
import eventlet
from eventlet import event
from eventlet import queue


class Service(object):
    def __init__(self, workers=3):
        self._pool = eventlet.GreenPool(workers)
        self._stop_event = event.Event()
        self._tasks = queue.Queue()
        self._results = queue.Queue()
        self._thread = None

    def _handle(self, task):
        eventlet.sleep(0.001)
        self._results.put(task.upper())

    def _run(self):
        while not self._stop_event.ready():
            try:
                task = self._tasks.get(timeout=0.01)
            except queue.Empty:
                continue
            self._pool.spawn_n(self._handle, task)

    def start(self):
        self._thread = eventlet.spawn(self._run)

    def submit(self, task):
        self._tasks.put(task)

    def collect(self, count):
        return sorted(self._results.get() for _ in range(count))

    def stop(self):
        self._stop_event.send()
        self._thread.wait()


def main():
    svc = Service()
    svc.start()
    for name in ["boot", "resize", "delete", "rescue"]:
        svc.submit(name)
    print(svc.collect(4))
    svc.stop()
    print("stopped")


if __name__ == "__main__":
    main()
