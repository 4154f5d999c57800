# Exercises eventlet.wsgi.server(eventlet.listen(...), app) started with spawn_n, queried with urllib.request.
import eventlet
eventlet.monkey_patch()

import socket  # noqa: E402
import urllib.request  # noqa: E402

import eventlet.wsgi  # noqa: E402


def app(environ, start_response):
    body = ("hello %s %s" % (environ["REQUEST_METHOD"], environ["PATH_INFO"])).encode()
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]


def find_free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve(port):
    eventlet.wsgi.server(eventlet.listen(('127.0.0.1', port)), app)


def get(url):
    for _ in range(50):
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.status, resp.read().decode()
        except OSError:
            eventlet.sleep(0.05)
    return None, None


def main():
    port = find_free_port()
    eventlet.spawn_n(serve, port)
    eventlet.sleep(0.1)
    status, body = get("http://127.0.0.1:%d/healthcheck" % port)
    print(status)
    print(body)


if __name__ == "__main__":
    main()
