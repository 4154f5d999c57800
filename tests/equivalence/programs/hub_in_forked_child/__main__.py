# oslo.service's shape: a parent launcher binds green listening sockets, forks one worker
# per service and talks to the workers over HTTP. Each worker keeps Eventlet: it reopens the
# hub with eventlet.hubs.use_hub('poll') right after the fork (so it does not share the
# parent's epoll hub, which the parent's green listening sockets and fork pacing already
# made), monkey patches, and serves with eventlet.wsgi.server. Each worker reports its hub
# over HTTP. The parent stops the workers with SIGTERM. --debug-blocking (or
# SERVICE_DEBUG_BLOCKING=1) turns on eventlet's blocking detector in the workers.
import os
import sys

import api
import launcher


def main(argv):
    debug_blocking = ("--debug-blocking" in argv
                      or os.environ.get("SERVICE_DEBUG_BLOCKING") == "1")
    services = [launcher.WSGIService("osapi", api.make_app("osapi")),
                launcher.WSGIService("metadata", api.make_app("metadata"))]
    procs = launcher.ProcessLauncher(debug_blocking=debug_blocking)
    for service in services:
        procs.launch_service(service)
    try:
        for service in services:
            for line in api.probe(service.name, service.port):
                print(line)
    finally:
        for name, status in procs.stop():
            print("%s worker: %s" % (name, status))


if __name__ == "__main__":
    main(sys.argv[1:])
