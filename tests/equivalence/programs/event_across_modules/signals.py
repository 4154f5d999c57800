# Helpers of the event_across_modules program: no eventlet import here.
LOG = []


def announce(done, name):
    LOG.append('announce %s' % name)
    done.send()


def wait_for(ready, timeout=5):
    ready.wait(timeout)
    LOG.append('ready %s' % ready.ready())


def deliver(result, value):
    LOG.append('deliver %d' % value)
    result.send(value)
