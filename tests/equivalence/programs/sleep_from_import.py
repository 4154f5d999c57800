# Exercises `from eventlet import sleep` (a retry loop with backoff), plus sleep() with no argument.
from eventlet import sleep


class FlakyBackend(object):
    def __init__(self, failures):
        self.failures = failures
        self.calls = 0

    def fetch(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise IOError("backend busy")
        return "payload-%d" % self.calls


def fetch_with_retry(backend, attempts=5, interval=0.005):
    for attempt in range(attempts):
        try:
            return backend.fetch()
        except IOError:
            sleep(interval * (attempt + 1))
    sleep()
    return None


def main():
    print(fetch_with_retry(FlakyBackend(2)))
    print(fetch_with_retry(FlakyBackend(10), attempts=3))


if __name__ == "__main__":
    main()
