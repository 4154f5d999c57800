# Exercises GreenPool.starmap whose function comes from an argparse namespace named `args` (CLI style).
import argparse

import eventlet


def add(a, b):
    return a + b


def mul(a, b):
    return a * b


def run(args, pairs):
    pool = eventlet.GreenPool(4)
    return list(pool.starmap(args.func, pairs))


def main():
    parser = argparse.ArgumentParser(prog="calc")
    sub = parser.add_subparsers()
    sub.add_parser("add").set_defaults(func=add)
    sub.add_parser("mul").set_defaults(func=mul)
    for argv in (["add"], ["mul"]):
        args = parser.parse_args(argv)
        print(argv[0], run(args, [(1, 2), (3, 4)]))


if __name__ == "__main__":
    main()
