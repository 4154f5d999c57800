# Module-level code sleeps before the module imports `time` further down: the migrated
# module must bind `time` before that first use.
import eventlet

eventlet.sleep(0)
print("slept at import time")

import time  # noqa: E402


def main():
    start = time.monotonic()
    eventlet.sleep(0.01)
    print("slept again:", time.monotonic() - start >= 0.01)


if __name__ == "__main__":
    main()
