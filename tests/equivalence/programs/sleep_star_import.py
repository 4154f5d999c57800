# `from eventlet import *`: the names it brings that a recipe knows are migrated.
from eventlet import *  # noqa: F401,F403


def main():
    for i in range(3):
        sleep(0)  # noqa: F405
        print("tick", i)


if __name__ == "__main__":
    main()
