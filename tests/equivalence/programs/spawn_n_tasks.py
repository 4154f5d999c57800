# Exercises eventlet.spawn_n fire-and-forget tasks (with keyword arguments), joined through an Event.
import eventlet
from eventlet import event
from eventlet import semaphore


class Collector(object):
    def __init__(self, expected):
        self.expected = expected
        self.items = []
        self.lock = semaphore.Semaphore(1)
        self.finished = event.Event()

    def add(self, item):
        with self.lock:
            self.items.append(item)
            if len(self.items) == self.expected:
                self.finished.send()


def audit(collector, resource, action="read"):
    eventlet.sleep(0.005)
    collector.add("%s:%s" % (action, resource))


def main():
    collector = Collector(4)
    eventlet.spawn_n(audit, collector, "volume")
    eventlet.spawn_n(audit, collector, "image", action="write")
    eventlet.spawn_n(audit, collector, "port", action="delete")
    eventlet.spawn_n(audit, collector, resource="network")
    collector.finished.wait()
    print(sorted(collector.items))


if __name__ == "__main__":
    main()
