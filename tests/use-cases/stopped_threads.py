"""An agent's loops, run in green threads and killed on shutdown (every recipe at once).

The heartbeat only sleeps between rounds: a thread told to stop, its sleep a stop check
that the spawn rewrites itself. The poller is also run by a thread that is waited for,
which cannot be given the event: both stay, and its sleep is migrated on its own.
"""
import eventlet

eventlet.monkey_patch()


class Agent(object):

    def __init__(self, plugin, interval):
        self.plugin = plugin
        self.interval = interval
        self._heartbeat = None

    def start(self):
        self._heartbeat = eventlet.spawn(self._report_state)

    def _report_state(self):
        while True:
            self.plugin.report_state()
            eventlet.sleep(self.interval)

    def stop(self):
        self._heartbeat.kill()


def poll_source(source):
    while True:
        source.refresh()
        eventlet.sleep(1)


def poll_once_more(source):
    killed = eventlet.spawn(poll_source, source)
    waited = eventlet.spawn(poll_source, source)
    killed.kill()
    return waited.wait()
