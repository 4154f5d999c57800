# Exercises eventlet.semaphore.BoundedSemaphore over-release, non-blocking acquire, and eventlet.lock.Lock.
import eventlet
from eventlet import lock
from eventlet import semaphore


def main():
    bounded = semaphore.BoundedSemaphore(1)
    print("acquired", bounded.acquire())
    bounded.release()
    try:
        bounded.release()
        print("over-release allowed")
    except ValueError:
        print("over-release refused")

    gate = eventlet.Semaphore(1)
    print("first", gate.acquire(blocking=False))
    print("second", gate.acquire(blocking=False))
    gate.release()

    guard = lock.Lock()
    counter = {"n": 0}
    done = eventlet.Event()

    def bump(times):
        for _ in range(times):
            with guard:
                value = counter["n"]
                eventlet.sleep(0)
                counter["n"] = value + 1

    def run():
        pool = eventlet.GreenPool(4)
        for _ in range(4):
            pool.spawn_n(bump, 25)
        pool.waitall()
        done.send()

    eventlet.spawn_n(run)
    done.wait()
    print("counter", counter["n"])


if __name__ == "__main__":
    main()
