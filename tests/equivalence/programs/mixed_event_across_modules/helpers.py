# Helpers of the mixed_event_across_modules program.
import time

SEEN = []


def finish(event, name):
    time.sleep(0.03)
    SEEN.append(name)
    event.send()


def await_event(event):
    event.wait()
    SEEN.append('seen %s' % event.ready())
