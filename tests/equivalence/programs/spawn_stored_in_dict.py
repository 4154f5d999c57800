# Green threads stored in a dict by key, then read back by key, popped, and waited for over
# the dict's values; an exception raised by one comes back through wait() as before.
import eventlet


def check(n):
    eventlet.sleep(0.001 * (4 - n))
    if n == 2:
        raise KeyError(n)
    return n * 3


def main():
    pending = {}
    for n in range(4):
        pending[n] = eventlet.spawn(check, n)
    print('first', pending.pop(0).wait())
    try:
        print('second', pending[2].wait())
    except KeyError as e:
        print('error', e)
    del pending[2]
    print('rest', sorted(gt.wait() for gt in pending.values()))
    print('keys', sorted(pending))
    roles = {'p': eventlet.spawn(check, 1), 's': eventlet.spawn(check, 3)}
    print('roles', roles['p'].wait(), roles['s'].wait())


if __name__ == "__main__":
    main()
