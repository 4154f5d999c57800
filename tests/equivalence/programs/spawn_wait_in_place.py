# `spawn(f, *args).wait()` in one expression becomes `f(*args)`: same value, same exception.
import eventlet


def divide(x, y=1):
    eventlet.sleep(0.001)
    return x / y


def main():
    print("value", eventlet.spawn(divide, 6, y=3).wait())
    try:
        eventlet.spawn(divide, 1, 0).wait()
    except ZeroDivisionError as e:
        print("raised", type(e).__name__)


if __name__ == "__main__":
    main()
