# Only sockets are patched and an eventlet.Timeout stays: the sleep in the helper it guards
# must stay eventlet's, or the timeout could not interrupt it.
import eventlet

eventlet.monkey_patch(socket=True)


def slow():
    eventlet.sleep(1)
    return "finished"


def main():
    try:
        with eventlet.Timeout(0.05):
            print(slow())
    except eventlet.Timeout:
        print("timed out")
    eventlet.sleep(0)
    print("done")


if __name__ == "__main__":
    main()
