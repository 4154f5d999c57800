# A patched worker that keeps one green thread it kills (so the process stays on the hub),
# with a pool waited for after every batch and a deferred call whose value is read: the pool
# and the timer become the standard library's (WaitAllExecutor, call_later), which run green
# under the patching (dual mode), next to the eventlet code that stays.
import eventlet

eventlet.monkey_patch()

done = []


def handle(item):
    eventlet.sleep(0.001 * (item % 3))
    done.append(item)


def heartbeat():
    while True:
        eventlet.sleep(0.005)


def summary(batches):
    return "%d batches, %d items" % (batches, len(done))


def main():
    beat = eventlet.spawn(heartbeat)
    pool = eventlet.GreenPool(2)
    for batch in ([1, 2, 3], [4, 5]):
        for item in batch:
            pool.spawn_n(handle, item)
        pool.waitall()
        print("after batch:", sorted(done))
    report = eventlet.spawn_after(0.01, summary, 2)
    print(report.wait())
    eventlet.kill(beat)


if __name__ == "__main__":
    main()
