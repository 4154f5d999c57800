"""The thread pool: concurrent.futures."""
from concurrent.futures import ThreadPoolExecutor


class TaskPool:
    name = "threads"
    is_green = False

    def __init__(self, limit):
        self.limit = limit
        self._executor = None
        self._futures = []

    def info(self):
        return {"patched": []}

    def on_start(self):
        self._executor = ThreadPoolExecutor(self.limit)

    def on_stop(self):
        self._executor.shutdown(wait=True)

    def apply_async(self, target, args=(), callback=None):
        future = self._executor.submit(target, *args)
        if callback is not None:
            future.add_done_callback(
                lambda f: f.exception() is None and callback(f.result()))
        self._futures.append(future)
        return future

    def terminate_job(self, job):
        # A running thread cannot be stopped: only a job not started yet is cancelled.
        return job.cancel()

    def join(self):
        futures, self._futures = self._futures, []
        for future in futures:
            future.result()
