# Green threads appended one by one to a list made empty, then each waited for in order:
# the results (and an exception re-raised by wait()) must come back the same after migration;
# then lists extended by comprehensions and displays, and a set added to.
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
    more = []
    more.extend([eventlet.spawn(work, n) for n in (0, 1)])
    more.extend([eventlet.spawn(work, 2)])
    print('extended', [t.wait() for t in more])
    running = set()
    for n in (4, 2, 0):
        running.add(eventlet.spawn(work, n))
    print('set', sorted(gt.wait() for gt in running))


if __name__ == "__main__":
    main()
