"""A small task runner with a pluggable concurrency backend."""
import os
import sys


def _find_option_with_arg(argv, short_opts=None, long_opts=None):
    """Search argv for an option specifying its value, e.g. -P eventlet or --pool=eventlet."""
    for i, arg in enumerate(argv):
        if arg.startswith("-"):
            if long_opts and arg.startswith("--"):
                name, sep, val = arg.partition("=")
                if name in long_opts:
                    return val if sep else argv[i + 1]
            if short_opts and arg in short_opts:
                return argv[i + 1]
    raise KeyError("|".join((short_opts or []) + (long_opts or [])))


def _patch_eventlet():
    import eventlet
    import eventlet.debug

    eventlet.monkey_patch()
    blockdetect = float(os.environ.get("EVENTLET_NOBLOCK", 0))
    if blockdetect:
        eventlet.debug.hub_blocking_detection(blockdetect, blockdetect)


def maybe_patch_concurrency(argv=None, short_opts=None, long_opts=None, patches=None):
    """Apply eventlet patches if the worker is started with that pool.

    Done as early as possible, before the modules that use sockets and threads are imported.
    """
    argv = argv if argv else sys.argv
    short_opts = short_opts if short_opts else ["-P"]
    long_opts = long_opts if long_opts else ["--pool"]
    patches = patches if patches else {"eventlet": _patch_eventlet}
    try:
        pool = _find_option_with_arg(argv, short_opts, long_opts)
    except KeyError:
        pass
    else:
        try:
            patcher = patches[pool]
        except KeyError:
            pass
        else:
            patcher()
        # Set up the pool's environment as soon as possible.
        from mylib import pools
        if pool in pools.get_available_pool_names():
            pools.get_implementation(pool)
