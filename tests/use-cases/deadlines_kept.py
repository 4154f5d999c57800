# Use case: deadlines that stay with eventlet.Timeout
"""Timeouts around a blocking call that the call's own timeout would not replace faithfully."""

import logging

from eventlet import event
from eventlet import queue
from eventlet import timeout

LOG = logging.getLogger(__name__)

JOBS = queue.Queue()
DONE = event.Event()


def caught_by_name(deadline):
    try:
        with timeout.Timeout(deadline):
            return JOBS.get()
    except timeout.Timeout as exc:
        LOG.warning("no job: %s", exc)


def an_earlier_handler_would_catch_the_new_exception(deadline):
    try:
        with timeout.Timeout(deadline):
            return JOBS.get()
    except Exception:
        LOG.exception("failed")
    except timeout.Timeout:
        LOG.warning("no job")


def left_to_the_caller(deadline):
    with timeout.Timeout(deadline):
        DONE.wait()


def raises_its_own_exception(deadline):
    with timeout.Timeout(deadline, RuntimeError("late")):
        JOBS.get()


def already_bounded(deadline):
    with timeout.Timeout(deadline, False):
        JOBS.get(True, 1)


def on_the_same_line(deadline):
    try:
        with timeout.Timeout(deadline): DONE.wait()  # noqa: E701
    except timeout.Timeout:
        LOG.warning("not done")
