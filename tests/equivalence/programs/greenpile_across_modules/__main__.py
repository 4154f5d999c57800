# A GreenPile made here is filled by a helper of another module, then read here.
import eventlet

import filler


def square(x):
    eventlet.sleep(0.001 * (5 - x))
    return x * x


def main():
    pile = eventlet.GreenPile()
    filler.fill(pile, square, range(5))
    print(list(pile))


if __name__ == "__main__":
    main()
