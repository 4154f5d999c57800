# A conductor that runs its jobs on futurist executors, as ironic's and nova's managers do:
# a bounded pool that rejects work once too much is waiting, a small reserved pool, one
# created with futurist's defaults, and a future completed by hand. On eventlet the pools are
# green; once nothing needs the hub they are futurist's thread pools, and the service sees
# the same results, the same rejection and the same statistics.
import threading

import eventlet

eventlet.monkey_patch()

import futurist  # noqa: E402
from futurist import GreenFuture  # noqa: E402


class Busy(Exception):
    pass


def reject_when_backlogged(executor, backlog):
    if backlog >= 2:
        raise futurist.RejectedSubmission("%d jobs waiting" % backlog)


class Conductor(object):

    def __init__(self, workers):
        self._executor = futurist.GreenThreadPoolExecutor(
            max_workers=workers, check_and_reject=reject_when_backlogged)
        self._reserved = futurist.GreenThreadPoolExecutor(1)
        self._spare = futurist.GreenThreadPoolExecutor()

    def run_job(self, func, *args):
        try:
            return self._executor.submit(func, *args)
        except futurist.RejectedSubmission as e:
            raise Busy(str(e))

    def run_reserved(self, func, *args):
        return self._reserved.submit(func, *args)

    def announce(self, value):
        announced = GreenFuture()
        self._spare.submit(announced.set_result, value)
        return announced

    def stop(self):
        for executor in (self._executor, self._reserved, self._spare):
            executor.shutdown(wait=True)
        return self._executor.statistics.executed


def main():
    conductor = Conductor(workers=2)
    gate = threading.Event()
    started = []
    started_lock = threading.Lock()
    both_started = threading.Event()

    def deploy(node):
        with started_lock:
            started.append(node)
            if len(started) == 2:
                both_started.set()
        gate.wait()
        return "deployed %s" % node

    jobs = [conductor.run_job(deploy, "node-%d" % i) for i in range(2)]
    both_started.wait()
    # Both workers are busy: the next jobs wait, and the third one waiting is refused.
    jobs += [conductor.run_job(deploy, "node-%d" % i) for i in range(2, 4)]
    try:
        conductor.run_job(deploy, "node-4")
    except Busy as e:
        print("refused node-4:", e)
    gate.set()
    for job in jobs:
        print(job.result(timeout=5))
    print(conductor.run_reserved(sum, [1, 2, 3]).result(timeout=5))
    print("announced", conductor.announce("ready").result(timeout=5))
    print("executed", conductor.stop())


if __name__ == '__main__':
    main()
