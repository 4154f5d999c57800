# A pile made anew for each round of a loop: migrated to a list of futures per round, the
# same results in the same order.
import eventlet


def double(x):
    eventlet.sleep(0.001)
    return x * 2


def main():
    for round_number in range(3):
        pile = eventlet.GreenPile(4)
        for x in range(round_number, round_number + 3):
            pile.spawn(double, x)
        print(round_number, [result for result in pile])


if __name__ == "__main__":
    main()
