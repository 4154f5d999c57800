"""The eventlet pool: green threads of one GreenPool, supervised by the worker's loop."""
import sys

from eventlet import greenthread, patcher
from eventlet.greenpool import GreenPool
from greenlet import GreenletExit


def _job_done(gt, supervisor, callback):
    # As gunicorn's eventlet worker does: a job that fails stops the supervising green thread
    # with the job's error.
    try:
        result = gt.wait()
    except GreenletExit:
        return
    except Exception:
        greenthread.kill(supervisor, *sys.exc_info())
    else:
        if callback is not None:
            callback(result)


def _make_killable_target(target):
    def killable_target(*args):
        try:
            return target(*args)
        except GreenletExit:
            return "terminated"
    return killable_target


class TaskPool:
    name = "eventlet"
    is_green = True

    def __init__(self, limit):
        self.limit = limit
        self.getcurrent = greenthread.getcurrent
        self._pool = None
        self._supervisor = None

    def info(self):
        return {"patched": [m for m in ("socket", "thread", "time")
                            if patcher.is_monkey_patched(m)]}

    def on_start(self):
        self._pool = GreenPool(self.limit)
        self._supervisor = greenthread.getcurrent()

    def on_stop(self):
        self._pool.waitall()

    def apply_async(self, target, args=(), callback=None):
        gt = self._pool.spawn(_make_killable_target(target), *args)
        gt.link(_job_done, self._supervisor, callback)
        return gt

    def terminate_job(self, job):
        greenthread.kill(job)
        return True

    def join(self):
        self._pool.waitall()
