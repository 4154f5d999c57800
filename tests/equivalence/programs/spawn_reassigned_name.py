# One name bound to several green threads made the same way: the members are followed as a
# family and migrated together.
import eventlet


def work(n):
    eventlet.sleep(0.001)
    return n * 2


def main():
    gt = eventlet.spawn(work, 1)
    print("first", gt.wait())
    gt = eventlet.spawn(work, 2)
    print("second", gt.wait())
    for n in range(3, 5):
        gt = eventlet.spawn(work, n)
        print("loop", gt.wait())


if __name__ == "__main__":
    main()
