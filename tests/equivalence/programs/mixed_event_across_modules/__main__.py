# An Event handed to another module's function in a process that keeps eventlet (a green
# thread it kills) with everything monkey-patched: the Event and the helper are migrated in
# dual mode, and must behave the same with eventlet still running the process.
import eventlet
eventlet.monkey_patch()

import eventlet.event  # noqa: E402

import helpers  # noqa: E402


def ticker(out):
    while True:
        out.append('tick')
        eventlet.sleep(0.01)


def main():
    ticks = []
    background = eventlet.spawn(ticker, ticks)
    done = eventlet.event.Event()
    eventlet.spawn_n(helpers.finish, done, 'job')
    helpers.await_event(done)
    eventlet.kill(background)
    print('ticked', bool(ticks))
    print(helpers.SEEN)


if __name__ == "__main__":
    main()
