# Green threads appended one by one to a list made empty, then each waited for in order:
# the results (and an exception re-raised by wait()) must come back the same after migration.
import eventlet


def work(n):
    eventlet.sleep(0.001 * (5 - n))
    if n == 3:
        raise ValueError('bad %d' % n)
    return n * 10


def main():
    threads = []
    for n in range(5):
        threads.append(eventlet.spawn(work, n))
    print('spawned', len(threads))
    for t in threads:
        try:
            print('result', t.wait())
        except ValueError as e:
            print('error', e)


if __name__ == "__main__":
    main()
