# In a process that keeps eventlet (everything monkey-patched, a green thread it kills), the
# session's new shapes run in dual mode: an Event returned by a factory, green threads stored
# in a dict, a bounded GreenPile. They must print the same with eventlet still running it.
import eventlet
eventlet.monkey_patch()

import eventlet.event  # noqa: E402

LOG = []


def ticker():
    while True:
        LOG.append('tick')
        eventlet.sleep(0.005)


def _start(name):
    done = eventlet.event.Event()

    def run():
        eventlet.sleep(0.002)
        done.send()
    eventlet.spawn_n(run)
    return done


def square(n):
    eventlet.sleep(0.001 * (3 - n))
    return n * n


def main():
    background = eventlet.spawn(ticker)
    started = _start('job')
    started.wait()
    print('started', started.ready())
    pending = {}
    for n in range(3):
        pending[n] = eventlet.spawn(square, n)
    print('dict', [pending[n].wait() for n in sorted(pending)])
    pile = eventlet.GreenPile(2)
    for n in range(3):
        pile.spawn(square, n)
    print('pile', list(pile))
    eventlet.kill(background)
    print('ticked', bool(LOG))


if __name__ == "__main__":
    main()
