# A storage driver runs its blocking calls through a runner it is given, tpool.execute by
# default, so that tests can pass another: passed as a value, it becomes a function that
# calls what it is given, in the caller's own (native) thread.
import hashlib
import zlib

from eventlet import tpool


class Compressor(object):
    def __init__(self, run=tpool.execute):
        self._run = run

    def pack(self, data):
        packed = self._run(zlib.compress, data, level=9)
        return len(packed), self._run(hashlib.sha256, packed).hexdigest()[:12]


def with_runner(runner, chunks):
    compressor = Compressor(run=runner)
    return [compressor.pack(chunk) for chunk in chunks]


def main():
    print(Compressor().pack(b"x" * 1000))
    print(with_runner(tpool.execute, [b"abc", b"abc" * 50]))


if __name__ == "__main__":
    main()
