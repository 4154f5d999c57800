import json
import os
import signal

import eventlet
import eventlet.event
import eventlet.patcher
import eventlet.wsgi


class SignalExit(SystemExit):
    pass


def _on_sigterm(signo, frame):
    raise SignalExit(0)


def make_app():
    released = eventlet.event.Event()

    def app(environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/info":
            body = {"socket_patched": eventlet.patcher.is_monkey_patched("socket")}
        elif path == "/wait":
            # Answered once /release has been served: the two are handled together.
            with eventlet.Timeout(1.5, False):
                released.wait()
            body = {"released": released.ready()}
        elif path == "/release":
            if not released.ready():
                released.send(True)
            body = {"release": "sent"}
        else:
            start_response("404 Not Found", [("Content-Length", "0")])
            return [b""]
        data = json.dumps(body, sort_keys=True).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(data)))])
        return [data]

    return app


def child(app, sock):
    """Runs in the forked worker: serve `app` on the parent's listening socket, then exit."""
    status = 0
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
        eventlet.patcher.monkey_patch(all=False, socket=True)
        eventlet.wsgi.server(sock, app, custom_pool=eventlet.GreenPool(10),
                             log_output=False)
    except BaseException:
        status = 2
    finally:
        os._exit(status)
