# Exercises statements the tool removes: eventlet.hubs.use_hub(), eventlet.debug.hub_* toggles.
import eventlet
import eventlet.debug
from eventlet import hubs

hubs.use_hub()
eventlet.debug.hub_exceptions(False)
eventlet.debug.hub_prevent_multiple_readers(False)


def main():
    out = []

    def work(n):
        eventlet.sleep(0.001)
        out.append(n)

    gt = eventlet.spawn(work, 1)
    gt.wait()
    print(out)


if __name__ == "__main__":
    main()
