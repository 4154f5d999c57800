# Second caller of notify.ping.
from eventlet import event

import notify


def consume():
    ready = event.Event()
    notify.ping(ready, 'consumed')
    return ready.ready()
