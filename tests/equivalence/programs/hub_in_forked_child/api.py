import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import eventlet
import eventlet.event
import eventlet.hubs
import eventlet.patcher


def make_app(name):
    released = eventlet.event.Event()

    def app(environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/info":
            hub = eventlet.hubs.get_hub()
            body = {
                "service": name,
                "hub": type(hub).__module__,
                "socket_patched": eventlet.patcher.is_monkey_patched("socket"),
            }
        elif path == "/wait":
            # Parks this request's green thread until /release arrives.
            with eventlet.Timeout(3, False):
                released.wait()
            body = {"service": name, "released": released.ready()}
        elif path == "/release":
            if not released.ready():
                released.send(True)
            body = {"service": name, "release": "sent"}
        else:
            start_response("404 Not Found", [("Content-Length", "0")])
            return [b""]
        data = json.dumps(body, sort_keys=True).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(data)))])
        return [data]

    return app


def get(port, path):
    url = "http://127.0.0.1:%d%s" % (port, path)
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return json.loads(resp.read().decode())
    except OSError as exc:
        return {"error": type(exc).__name__}


def probe(name, port):
    lines = ["%s info %s" % (name, get(port, "/info"))]
    # /wait only finishes once /release has been served: both are in flight together.
    with ThreadPoolExecutor(2) as ex:
        waiting = ex.submit(get, port, "/wait")
        release = ex.submit(get, port, "/release")
        lines.append("%s release %s" % (name, release.result()))
        lines.append("%s wait %s" % (name, waiting.result()))
    return lines
