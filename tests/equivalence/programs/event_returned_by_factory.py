# A factory starts a job and returns the Event it signals; callers wait on it, one through a
# list comprehension. The Event and every caller's use of it are rewritten together.
import eventlet
import eventlet.event

LOG = []


def _start(name, delay):
    done = eventlet.event.Event()

    def run():
        eventlet.sleep(delay)
        LOG.append(name)
        done.send()
    eventlet.spawn_n(run)
    return done


def run_one():
    finished = _start('one', 0.001)
    finished.wait()
    return finished.ready()


def run_all():
    events = [_start(name, 0.002 * i) for i, name in enumerate(['a', 'b', 'c'])]
    for ev in events:
        ev.wait()
    return all(ev.ready() for ev in events)


def main():
    print(run_one())
    print(run_all())
    print(sorted(LOG))


if __name__ == "__main__":
    main()
