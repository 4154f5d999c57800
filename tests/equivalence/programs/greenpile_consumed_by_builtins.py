# A GreenPile read by builtins that iterate it to its end (sum, sorted, list) migrates: each
# reads the results in spawn order, as the pile did, and a task's exception still propagates.
import eventlet


def check(node, delay):
    eventlet.sleep(delay)
    if node == "bad":
        raise ValueError("node %s failed" % node)
    return 1 if node.startswith("up") else 0


def majority(nodes):
    pile = eventlet.GreenPile()
    for node, delay in nodes:
        pile.spawn(check, node, delay)
    successes = sum(pile)
    return successes >= len(nodes) // 2 + 1


def ordered(words):
    pile = eventlet.GreenPile(len(words))
    for word in words:
        pile.spawn(str.upper, word)
    return sorted(pile, key=len)


def collected(words):
    pile = eventlet.GreenPile()
    for word in words:
        pile.spawn(len, word)
    return list(pile)


def main():
    print(majority([("up-1", 0.02), ("down", 0.01), ("up-2", 0.0)]))
    print(ordered(["ccc", "a", "bb"]))
    print(collected(["x", "yyy"]))
    try:
        majority([("up-1", 0.0), ("bad", 0.01)])
    except ValueError as e:
        print("raised", e)


if __name__ == "__main__":
    main()
