# Exercises eventlet.wsgi.server in a spawn_n'd function, queried with eventlet.green.urllib.request (no monkey patching).
import socket

import eventlet
import eventlet.wsgi
from eventlet.green.urllib import request


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"pong ", environ["QUERY_STRING"].encode()]


def serve(port):
    eventlet.wsgi.server(eventlet.listen(('127.0.0.1', port)), app)


def main():
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()

    eventlet.spawn_n(serve, port)
    body = None
    for _ in range(40):
        eventlet.sleep(0.05)
        try:
            body = request.urlopen("http://127.0.0.1:%d/ping?x=1" % port, timeout=2).read()
            break
        except OSError:
            pass
    print(body)


if __name__ == "__main__":
    main()
