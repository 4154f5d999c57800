# GreenPool.imap when one item fails: the exception belongs to that item; the consumer can
# catch it and go on, and every other task still runs (Executor.map would stop and cancel).
import eventlet

done = []


def work(n):
    eventlet.sleep(0.001 * (n % 3))
    done.append(n)
    if n == 2:
        raise ValueError("bad item %d" % n)
    return n * 10


def main():
    pool = eventlet.GreenPool(3)
    results = pool.imap(work, range(6))
    out = []
    while True:
        try:
            out.append(next(results))
        except StopIteration:
            break
        except ValueError as e:
            out.append(str(e))
    print(out)
    print(sorted(done))
    pairs = pool.starmap(lambda a, b: a + b, [(1, 2), (3, 4)])
    print(list(pairs))


if __name__ == "__main__":
    main()
