# A pool kept for the life of a worker and waited for after every batch (waitall() in a
# loop, on an attribute), and a local pool that takes more work after waitall() and whose
# green threads are read afterwards: the executor must wait for what it was given and stay
# open for more.
import eventlet


class Indexer:
    def __init__(self, workers=3):
        self.pool = eventlet.GreenPool(workers)
        self.indexed = []

    def _index(self, doc):
        eventlet.sleep(0.001 * (len(doc) % 3))
        self.indexed.append(doc.upper())

    def index_batches(self, batches):
        for batch in batches:
            for doc in batch:
                self.pool.spawn_n(self._index, doc)
            self.pool.waitall()
            print("batch done:", sorted(self.indexed))


def checksum(n):
    eventlet.sleep(0.001 * (n % 2))
    return n * 7 % 11


def main():
    Indexer().index_batches([["a", "bb"], ["ccc", "d", "ee"]])

    pool = eventlet.GreenPool(size=2)
    first = pool.spawn(checksum, 1)
    for n in range(4):
        pool.spawn(checksum, n)
    pool.waitall()
    print("first", first.wait())
    late = [pool.spawn(checksum, n) for n in (10, 11)]
    pool.waitall()
    print("late", [gt.wait() for gt in late])


if __name__ == "__main__":
    main()
