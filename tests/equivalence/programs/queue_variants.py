# Exercises eventlet.queue LightQueue, PriorityQueue, LifoQueue and Queue(maxsize=3) with Empty/Full.
import eventlet
from eventlet import queue


def main():
    light = queue.LightQueue()
    for word in ["x", "y", "z"]:
        light.put(word)
    print("light", light.qsize(), [light.get() for _ in range(3)], light.empty())

    prio = queue.PriorityQueue()
    for item in [(3, "low"), (1, "high"), (2, "mid")]:
        prio.put(item)
    print("priority", [prio.get()[1] for _ in range(3)])

    lifo = queue.LifoQueue()
    for n in range(3):
        lifo.put(n)
    print("lifo", [lifo.get() for _ in range(3)])

    sized = queue.Queue(maxsize=3)
    results = []

    def fill():
        for n in range(5):
            try:
                sized.put_nowait(n)
                results.append("put %d" % n)
            except queue.Full:
                results.append("full at %d" % n)

    gt = eventlet.spawn(fill)
    gt.wait()
    print(results)
    try:
        while True:
            results.append(sized.get_nowait())
    except queue.Empty:
        print("drained", results[-3:])


if __name__ == "__main__":
    main()
