# Exercises eventlet.spawn_after: one timer cancelled before it fires, one that fires and sets an Event.
import eventlet
from eventlet import event


def main():
    fired = []
    done = event.Event()

    def expire(name):
        fired.append(name)
        done.send()

    def never(name):
        fired.append("should not run: %s" % name)

    cancelled = eventlet.spawn_after(5, never, "lease-1")
    timer = eventlet.spawn_after(0.02, expire, "lease-2")
    cancelled.cancel()
    done.wait()
    timer.wait()
    eventlet.sleep(0.05)
    print(fired)
    print("done", done.ready())


if __name__ == "__main__":
    main()
