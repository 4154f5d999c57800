# Demonstrates an Event handed to the worker function a green thread runs: followed into its parameter.
import eventlet
from eventlet import event


def worker(done, n):
    eventlet.sleep(0.01)
    done.send()


def main():
    done = event.Event()
    eventlet.spawn_n(worker, done, 3)
    done.wait()
    print("worker finished")


if __name__ == "__main__":
    main()
