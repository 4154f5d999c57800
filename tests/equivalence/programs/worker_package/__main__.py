# Exercises a two-module package: __main__ imports the sibling `worker` module and spawns worker.compute.
import eventlet

import worker


def main():
    small = eventlet.spawn(worker.compute, 3)
    large = eventlet.spawn(worker.compute, 12)
    print(small.wait(), large.wait())
    eventlet.spawn_n(worker.record, "finished")
    worker.DONE.wait()
    print(worker.EVENTS)


if __name__ == "__main__":
    main()
