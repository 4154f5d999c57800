"""Starter for nova-checker."""

import sys

from nova import console
from nova import workers


def main(argv=None):
    hosts = (argv or sys.argv)[1:]
    checker = workers.Checker(4)
    print(checker.run(hosts), console.local_listener())
