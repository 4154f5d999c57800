# Exercises GreenPool.imap(f, items): ordered results from a pool of green threads.
import eventlet


def fetch_status(host):
    eventlet.sleep(0.002 * (len(host) % 3))
    return "%s=%s" % (host, "up" if len(host) % 2 else "down")


def main():
    pool = eventlet.GreenPool(size=4)
    hosts = ["node1", "node22", "node333", "n4", "node5555"]
    for status in pool.imap(fetch_status, hosts):
        print(status)
    lengths = list(pool.imap(len, hosts))
    print(lengths)


if __name__ == "__main__":
    main()
