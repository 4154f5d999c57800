# Fan-out whose list is also counted (`len(events)`): the green threads become futures, waited
# for in order; counting the list touches no element.
import eventlet


def send(node):
    eventlet.sleep(0.01 * (3 - node))
    return node % 2 == 0


def report(nodes):
    events = [eventlet.spawn(send, node) for node in nodes]
    successes = 0
    for event in events:
        if event.wait():
            successes += 1
    return successes, len(events), successes >= len(events) // 2 + 1


if __name__ == "__main__":
    print(report([0, 1, 2]))
    print(report([1, 3]))
