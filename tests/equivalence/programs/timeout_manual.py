# equivalence: manual
# Exercises eventlet.Timeout in a `with` block (reported as manual by the tool), with and without raising.
import eventlet


def slow_call(delay):
    eventlet.sleep(delay)
    return "finished"


def main():
    result = "timed out"
    with eventlet.Timeout(0.05, False):
        result = slow_call(2)
    print(result)

    try:
        with eventlet.Timeout(0.05):
            slow_call(2)
    except eventlet.Timeout:
        print("raised Timeout")

    with eventlet.Timeout(1):
        print(slow_call(0.001))


if __name__ == "__main__":
    main()
