# A script that patches everything and keeps one green thread it kills (so the process stays
# on the hub): a GreenPile read by sum() and a fan-out list also counted with len() become
# futures of executors, which run green under the patching (dual mode), and the calls a dropped
# local's value came from still run.
import eventlet

eventlet.monkey_patch()

import eventlet.debug  # noqa: E402


def check(node):
    eventlet.sleep(0.01 * (3 - node))
    return 1 if node % 2 == 0 else 0


def flag(name):
    print("reading", name)
    return False


def majority(nodes):
    pile = eventlet.GreenPile()
    for node in nodes:
        pile.spawn(check, node)
    return sum(pile) >= len(nodes) // 2 + 1


def report(nodes):
    events = [eventlet.spawn(check, node) for node in nodes]
    successes = 0
    for event in events:
        successes += event.wait()
    return successes, len(events)


def watcher():
    while True:
        eventlet.sleep(0.005)


def main():
    spy = eventlet.spawn(watcher)
    debug = flag("eventlet_debug")
    eventlet.debug.hub_exceptions(debug)
    print(majority([0, 1, 2]))
    print(report([0, 1, 2, 3]))
    eventlet.kill(spy)


if __name__ == "__main__":
    main()
