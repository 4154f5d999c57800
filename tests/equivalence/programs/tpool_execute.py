# Exercises eventlet.tpool.execute(f, *args) for blocking calls offloaded to native threads.
import hashlib

from eventlet import tpool


def digest(data, rounds):
    h = hashlib.sha256()
    for _ in range(rounds):
        h.update(data)
    return h.hexdigest()[:16]


def main():
    print(tpool.execute(digest, b"volume-data", 100))
    print(tpool.execute(sorted, [3, 1, 2]))
    args = (b"x", 2)
    print(tpool.execute(digest, *args))


if __name__ == "__main__":
    main()
