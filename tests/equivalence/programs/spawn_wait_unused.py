# Exercises `gt = eventlet.spawn(f, x)` then `gt.wait()` with the returned value unused.
import eventlet

LOG = []


def sync_instance(uuid):
    eventlet.sleep(0.01)
    LOG.append("synced %s" % uuid)
    return uuid


def main():
    gt = eventlet.spawn(sync_instance, "abc")
    gt.wait()
    other = eventlet.spawn(sync_instance, "def")
    other.wait()
    print(LOG)


if __name__ == "__main__":
    main()
