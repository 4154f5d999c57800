# Exercises GreenPool.starmap(f, pairs) with argument tuples.
import eventlet
from eventlet import greenpool


def copy_chunk(src, dst):
    eventlet.sleep(0.001)
    return "%s->%s" % (src, dst)


def main():
    pool = greenpool.GreenPool(2)
    pairs = [("a", "b"), ("c", "d"), ("e", "f")]
    print(list(pool.starmap(copy_chunk, pairs)))
    total = sum(pool.starmap(pow, [(2, 3), (3, 2), (10, 1)]))
    print("total", total)


if __name__ == "__main__":
    main()
