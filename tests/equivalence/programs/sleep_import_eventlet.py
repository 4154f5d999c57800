# Exercises eventlet.sleep through `import eventlet`, with a delay and with no argument.
import eventlet


def poll(checks):
    seen = []
    for i in range(checks):
        seen.append(i * i)
        eventlet.sleep(0.01)
    eventlet.sleep()
    return seen


def main():
    print("polled", poll(4))
    eventlet.sleep(0)
    print("done")


if __name__ == "__main__":
    main()
