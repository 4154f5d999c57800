# Exercises eventlet.GreenPile spawned into and iterated in spawn order (migrated to a list of futures).
import eventlet


def shout(word, delay):
    eventlet.sleep(delay)
    return word.upper()


def main():
    pile = eventlet.GreenPile(4)
    for word, delay in [("alpha", 0.03), ("beta", 0.01), ("gamma", 0.02)]:
        pile.spawn(shout, word, delay)
    for result in pile:
        print(result)
    print([len(word) for word in (w for w in ["x", "yy"])])


if __name__ == "__main__":
    main()
