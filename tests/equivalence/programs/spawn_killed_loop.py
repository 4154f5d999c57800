# An agent that reports its state from a green thread every interval and kills it on
# shutdown, as neutron's and nova's agents run their loops, beside a cache entry whose
# expiry timer is killed when the entry is refreshed. kill() ends a loop where it sleeps:
# nothing after the loop runs, and no report comes once kill() has returned.
import threading

import eventlet

eventlet.monkey_patch()

events = []
three_reports = threading.Event()


class StateReporter(object):

    def __init__(self, agent):
        self.agent = agent
        self.reports = 0
        self._thread = None

    def start(self, interval):
        self._thread = eventlet.spawn(self._report_state, interval)

    def _report_state(self, interval):
        while True:
            self.reports += 1
            if self.reports == 3:
                three_reports.set()
            eventlet.sleep(interval)
        events.append("reporter loop ended")

    def stop(self):
        self._thread.kill()
        events.append("reporter stopped after %d reports" % self.reports)


def expire(cache, key, ttl):
    eventlet.sleep(ttl)
    cache.pop(key, None)
    events.append("expired " + key)


def main():
    reporter = StateReporter("dhcp-agent")
    reporter.start(0.01)
    three_reports.wait(5)
    reporter.stop()
    stopped_at = reporter.reports
    eventlet.sleep(0.1)
    events.append("no report after stop: %s" % (reporter.reports == stopped_at))

    cache = {"token": "abc", "nonce": "xyz"}
    refresh = eventlet.spawn(expire, cache, "token", 30)
    quick = eventlet.spawn(expire, cache, "nonce", 0)
    eventlet.sleep(0.1)
    refresh.kill()
    quick.kill()
    events.append("cache %s" % sorted(cache))
    print("\n".join(events))


if __name__ == "__main__":
    main()
