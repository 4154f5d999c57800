# Two Events made together and unpacked into names, both handed to a worker that signals
# them in order; the waiter sees both set.
import eventlet
import eventlet.event

LOG = []


def _work(started, stopped):
    LOG.append('start')
    started.send()
    eventlet.sleep(0.001)
    LOG.append('stop')
    stopped.send()


def run():
    started, stopped = eventlet.event.Event(), eventlet.event.Event()
    eventlet.spawn_n(_work, started, stopped)
    started.wait()
    stopped.wait()
    return started.ready() and stopped.ready()


if __name__ == "__main__":
    print(run())
    print(LOG)
