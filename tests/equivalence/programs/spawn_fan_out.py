# Fan-out: green threads made in a list comprehension or a list display, then waited for in
# a comprehension or a loop; an exception comes out of wait() for its own thread.
import eventlet


def work(x):
    eventlet.sleep(0.001 * (3 - x % 3))
    if x == 4:
        raise ValueError("four")
    return x * 2


def main():
    threads = [eventlet.spawn(work, x) for x in range(4)]
    print([t.wait() for t in threads])
    total = 0
    pair = [eventlet.spawn(work, 5), eventlet.spawn(work, 6)]
    for gt in pair:
        total += gt.wait()
    print(total)
    failing = [eventlet.spawn(work, x) for x in (3, 4)]
    for gt in failing:
        try:
            print(gt.wait())
        except ValueError as e:
            print("error", e)


if __name__ == "__main__":
    main()
