# Demonstrates the OpenStack workaround for eventlet issue 592 in a service that leaves the hub: monkey patching goes and the original threading module is threading itself.
"""Starter script for the scheduler."""

import sys

import eventlet  # noqa
eventlet.monkey_patch()
# Monkey patch the original current_thread to use the up-to-date _active
# global variable. See https://bugs.launchpad.net/bugs/1863021 and
# https://github.com/eventlet/eventlet/issues/592
import __original_module_threading as orig_threading  # noqa
import threading  # noqa
orig_threading.current_thread.__globals__['_active'] = threading._active


def main():
    print('scheduler', threading.current_thread().name)
    return 0


if __name__ == '__main__':
    sys.exit(main())
