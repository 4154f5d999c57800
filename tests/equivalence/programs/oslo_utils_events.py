# An agent that watches for work with oslo.utils' eventlet helpers, as OpenStack agents do:
# the stop flag comes from eventletutils.Event(), a start signal from EventletEvent, and a
# worker thread reports through them.
import eventlet
eventlet.monkey_patch()

import threading
import time

from oslo_utils import eventletutils


class Agent(object):

    def __init__(self):
        self._stop = eventletutils.Event()
        self._started = eventletutils.EventletEvent()
        self.ticks = 0

    def _loop(self):
        self._started.set()
        while not self._stop.is_set():
            self.ticks += 1
            time.sleep(0.01)

    def start(self):
        worker = threading.Thread(target=self._loop)
        worker.start()
        return worker

    def wait_started(self, timeout):
        return self._started.wait(timeout)

    def stop(self):
        self._stop.set()


def main():
    agent = Agent()
    print('already stopped?', agent._stop.is_set())
    worker = agent.start()
    print('started:', agent.wait_started(1))
    time.sleep(0.05)
    agent.stop()
    worker.join()
    print('ticked:', agent.ticks > 0)
    print('stop flag reset?', agent._stop.wait(0.01))


if __name__ == "__main__":
    main()
