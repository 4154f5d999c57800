# Exercises an eventlet Event passed as an argument to spawned functions: followed into their parameters.
import eventlet
from eventlet import event


def deliver(evt, value):
    eventlet.sleep(0.001)
    evt.send(value)


def main():
    evt = event.Event()
    eventlet.spawn_n(deliver, evt, "delivered")
    print(evt.wait())


if __name__ == "__main__":
    main()
