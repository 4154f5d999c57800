# Exercises eventlet.spawn with its result discarded; completion is collected through an eventlet queue.
import eventlet
import eventlet.queue


def notify(results, name, delay):
    eventlet.sleep(delay)
    results.put("notified %s" % name)


def main():
    results = eventlet.queue.Queue()
    names = ["compute-1", "compute-2", "compute-3"]
    for i, name in enumerate(names):
        eventlet.spawn(notify, results, name, 0.01 * (3 - i))
    collected = [results.get() for _ in names]
    print(sorted(collected))
    print("count", len(collected))


if __name__ == "__main__":
    main()
