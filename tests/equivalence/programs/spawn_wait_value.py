# Exercises `value = gt.wait()`: results returned from spawned green threads are used.
import eventlet


def checksum(data, factor=1):
    eventlet.sleep(0.005)
    return sum(data) * factor


def main():
    gt = eventlet.spawn(checksum, [1, 2, 3])
    value = gt.wait()
    print("checksum", value)
    first = eventlet.spawn(checksum, [1, 2], factor=10)
    second = eventlet.spawn(checksum, [5], 2)
    print("both", first.wait(), second.wait())


if __name__ == "__main__":
    main()
