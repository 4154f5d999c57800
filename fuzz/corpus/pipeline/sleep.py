# Demonstrates the typical case: eventlet.sleep(n) and eventlet.sleep().
"""Periodic state reporter for the agent service."""

import os
import sys

import eventlet


def report_state(reporter, max_iterations=None):
    """Report agent state until told to stop."""
    iterations = 0
    while max_iterations is None or iterations < max_iterations:
        try:
            reporter.report(pid=os.getpid())
        except Exception:
            sys.stderr.write('failed to report state\n')
        eventlet.sleep(1)
        iterations += 1


def yield_to_others():
    """Give other workers a chance to run."""
    eventlet.sleep()
