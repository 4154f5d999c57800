# Exercises eventlet.queue.Queue producer/consumer with task_done()/join(), and get_nowait() raising Empty.
import eventlet
import eventlet.queue


def main():
    work = eventlet.queue.Queue()
    done = eventlet.queue.Queue()

    def consumer(name):
        while True:
            item = work.get()
            done.put("%s*2=%d" % (item, item * 2))
            work.task_done()

    for n in range(2):
        eventlet.spawn_n(consumer, "worker-%d" % n)

    for i in range(6):
        work.put(i)
    work.join()

    results = []
    while True:
        try:
            results.append(done.get_nowait())
        except eventlet.queue.Empty:
            break
    print(sorted(results))
    try:
        work.get_nowait()
    except eventlet.queue.Empty:
        print("work queue empty")
    print("unfinished drained:", work.empty())


if __name__ == "__main__":
    main()
