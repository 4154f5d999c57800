# Exercises `import eventlet as ev` with ev.sleep(x) and ev.sleep() with no argument.
import eventlet as ev


def wait_for(predicate, timeout=1.0, interval=0.01):
    waited = 0.0
    while not predicate():
        if waited >= timeout:
            return False
        ev.sleep(interval)
        waited += interval
    ev.sleep()
    return True


def main():
    counter = {"n": 0}

    def bump():
        counter["n"] += 1
        return counter["n"] >= 3

    print("ready:", wait_for(bump))
    print("never:", wait_for(lambda: False, timeout=0.03))
    print("count:", counter["n"])


if __name__ == "__main__":
    main()
