# Exercises eventlet.sleep in a module where `time` is already taken (swift-style `from time import time`).
from time import time

import eventlet


def run_with_deadline(steps, budget=5.0):
    start = time()
    done = 0
    for _ in range(steps):
        eventlet.sleep(0.001)
        done += 1
    eventlet.sleep()
    return done, (time() - start) < budget


def main():
    done, in_budget = run_with_deadline(3)
    print("steps", done, "within budget", in_budget)


if __name__ == "__main__":
    main()
