# Worker module of the worker_package program: green-thread friendly computations.
import eventlet
from eventlet import event

DONE = event.Event()
EVENTS = []


def compute(n):
    eventlet.sleep(0.001 * n)
    return n * n


def record(what):
    eventlet.sleep(0.001)
    EVENTS.append(what)
    DONE.send()
