# Event.send_exception with the three-argument form (type, value, traceback): the waiter
# gets the exception instance.
import sys

import eventlet
from eventlet import event


def main():
    evt = event.Event()
    try:
        raise KeyError("missing")
    except KeyError:
        info = sys.exc_info()
        evt.send_exception(info[0], info[1], info[2])
    try:
        evt.wait()
    except KeyError as e:
        print("caught", repr(e))
    other = event.Event()
    other.send_exception(RuntimeError("boom"))
    try:
        other.wait()
    except RuntimeError as e:
        print("caught", repr(e))
    eventlet.sleep(0)


if __name__ == "__main__":
    main()
