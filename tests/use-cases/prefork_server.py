# A pre-forking server whose child keeps eventlet (monkey patching, a green WSGI server): the
# child's own hub selection is held back, and so is the listening socket it is handed.
"""Pre-forking API server."""

import os

import eventlet
import eventlet.wsgi


def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'ok\n']


def child(app, sock):
    eventlet.hubs.use_hub('poll')
    eventlet.patcher.monkey_patch(all=False, socket=True)
    eventlet.wsgi.server(sock, app, custom_pool=eventlet.GreenPool(10))


def main():
    sock = eventlet.listen(('127.0.0.1', 8080))
    for _ in range(2):
        if os.fork() == 0:
            child(application, sock)
            os._exit(0)
    os.wait()


if __name__ == '__main__':
    main()
