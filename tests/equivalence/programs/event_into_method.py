# An Event and a Queue handed to private methods of the class (and to the worker method a
# green thread runs): followed into them and migrated together.
import eventlet
from eventlet import event
from eventlet import queue


class Collector(object):

    def run(self, n):
        done = event.Event()
        results = queue.Queue()
        eventlet.spawn_n(self._produce, n, results, done)
        self._wait_for(done)
        return self._drain(results)

    def _produce(self, n, results, done):
        for i in range(n):
            results.put(i * 3)
            eventlet.sleep(0.001)
        done.send()

    def _wait_for(self, done):
        done.wait()

    def _drain(self, results):
        out = []
        while not results.empty():
            out.append(results.get())
        return out


if __name__ == "__main__":
    print("collected", Collector().run(4))
