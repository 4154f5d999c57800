# One helper signals Events made by two different functions (one through spawn_n, one
# directly); the helper's parameter and both Events are rewritten together.
import eventlet
import eventlet.event

LOG = []


def _finish(done, name):
    eventlet.sleep(0.001)
    LOG.append('finished %s' % name)
    done.send()


def first(name):
    done = eventlet.event.Event()
    eventlet.spawn_n(_finish, done, name)
    done.wait()
    return 'first %s' % name


def second(names):
    finished = eventlet.event.Event()
    _finish(finished, names[-1])
    return finished.ready()


def main():
    print(first('a'))
    print(second(['b', 'c']))
    print(LOG)


if __name__ == "__main__":
    main()
