# Events made here are handed to the functions of another module (which never imports
# eventlet) through spawn_n and direct calls; one carries a value (a Future after migration).
import eventlet
import eventlet.event

import signals
from signals import deliver


def announce_first(names):
    done = eventlet.event.Event()
    eventlet.spawn_n(signals.announce, done, names[0])
    signals.wait_for(done)
    return names[0]


def compute(value):
    result = eventlet.event.Event()
    eventlet.spawn_n(deliver, result, value * 2)
    return result.wait()


def main():
    print(announce_first(['a', 'b']))
    print(compute(21))
    print(signals.LOG)


if __name__ == "__main__":
    main()
