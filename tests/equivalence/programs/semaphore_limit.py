# Exercises eventlet.semaphore.Semaphore(2) limiting concurrency with `with sem:`.
import eventlet
import eventlet.semaphore


class Limiter(object):
    def __init__(self):
        self.sem = eventlet.semaphore.Semaphore(2)
        self.stats_lock = eventlet.semaphore.Semaphore(1)
        self.active = 0
        self.max_active = 0
        self.completed = []

    def run(self, job):
        with self.sem:
            with self.stats_lock:
                self.active += 1
                self.max_active = max(self.max_active, self.active)
            eventlet.sleep(0.01)
            with self.stats_lock:
                self.active -= 1
                self.completed.append(job)


def main():
    limiter = Limiter()
    pool = eventlet.GreenPool(6)
    for job in range(6):
        pool.spawn_n(limiter.run, job)
    pool.waitall()
    print("max concurrent <= 2:", limiter.max_active <= 2)
    print("some concurrency:", limiter.max_active >= 1)
    print(sorted(limiter.completed))


if __name__ == "__main__":
    main()
