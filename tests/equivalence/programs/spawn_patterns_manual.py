# equivalence: manual
# Exercises spawn patterns the tool cannot follow (a list of green threads, a re-bound variable),
# reported as manual, next to a chained spawn(...).wait() that it migrates.
import eventlet


def square(n):
    eventlet.sleep(0.001)
    return n * n


def main():
    threads = [eventlet.spawn(square, n) for n in range(5)]
    print([gt.wait() for gt in threads])
    print(eventlet.spawn(square, 7).wait())
    gt = eventlet.spawn(square, 2)
    first = gt.wait()
    gt = eventlet.spawn(square, 3)
    print(first, gt.wait())


if __name__ == "__main__":
    main()
