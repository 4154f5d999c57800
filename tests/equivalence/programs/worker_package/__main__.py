# Exercises a two-module package: __main__ imports the sibling `worker` module and spawns worker.compute.
import eventlet

import worker


def main():
    threads = [eventlet.spawn(worker.compute, n) for n in range(1, 5)]
    results = [gt.wait() for gt in threads]
    print(results)
    eventlet.spawn_n(worker.record, "finished")
    worker.DONE.wait()
    print(worker.EVENTS)


if __name__ == "__main__":
    main()
