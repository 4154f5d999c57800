"""Console proxy helpers."""

from eventlet.green import socket

import eventlet


def local_listener():
    sock = eventlet.listen(('127.0.0.1', 0))
    return sock.getsockname()[0] == '127.0.0.1'


def resolve(name):
    return socket.getaddrinfo(name, None) is not None
