# Exercises eventlet.patcher.original / is_monkey_patched / import_patched as used by oslo libraries.
import eventlet.patcher
from eventlet import patcher

_threading = eventlet.patcher.original('threading')
json = patcher.import_patched('json')


def main():
    lock = _threading.Lock()
    with lock:
        print("native lock works")
    print("socket patched:", eventlet.patcher.is_monkey_patched('socket'))
    print("thread patched:", patcher.is_monkey_patched('thread'))
    print(json.dumps({"b": 1, "a": [1, 2]}, sort_keys=True))


if __name__ == "__main__":
    main()
