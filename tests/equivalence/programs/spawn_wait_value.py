# Exercises `value = gt.wait()`: results returned from spawned green threads are used.
import eventlet


def checksum(data, factor=1):
    eventlet.sleep(0.005)
    return sum(data) * factor


def main():
    gt = eventlet.spawn(checksum, [1, 2, 3])
    value = gt.wait()
    print("checksum", value)
    threads = [eventlet.spawn(checksum, [i, i + 1], factor=i) for i in range(4)]
    print("all", [t.wait() for t in threads])
    doubled = eventlet.spawn(checksum, [5], 2).wait()
    print("doubled", doubled)


if __name__ == "__main__":
    main()
