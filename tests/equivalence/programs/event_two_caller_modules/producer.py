# First caller of notify.ping.
import eventlet
from eventlet import event

from notify import ping


def produce(n):
    done = event.Event()
    eventlet.spawn_n(ping, done, 'produced %d' % n)
    done.wait()
    return n * 2
