# Exercises eventlet.tpool.Proxy wrapping a blocking object, tpool.set_num_threads and tpool.execute with kwargs.
from eventlet import tpool


class BlockingDriver(object):
    def __init__(self):
        self.calls = []

    def list_domains(self, prefix=""):
        self.calls.append("list")
        return [prefix + name for name in ("one", "two")]


def main():
    tpool.set_num_threads(2)
    conn = tpool.Proxy(BlockingDriver())
    print(conn.list_domains(prefix="instance-"))
    print(tpool.execute(sorted, [3, 2, 1], reverse=True))
    print(len(conn.calls))


if __name__ == "__main__":
    main()
