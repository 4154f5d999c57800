# pool.spawn() results that are waited for, stored or in a list: the green thread becomes the
# future submit() returns; wait() gives the value or re-raises, as result() does.
import eventlet


def work(x):
    eventlet.sleep(0.001 * (3 - x % 3))
    if x == 5:
        raise KeyError(x)
    return x + 1


def main():
    pool = eventlet.GreenPool(4)
    gt = pool.spawn(work, 1)
    threads = [pool.spawn(work, x) for x in range(3)]
    print(gt.wait(), [t.wait() for t in threads])
    bad = pool.spawn(work, 5)
    try:
        bad.wait()
    except KeyError as e:
        print("error", e)


if __name__ == "__main__":
    main()
