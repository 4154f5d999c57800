# Use case: socket compatibility
"""A line echo server and client built on eventlet sockets."""

import logging

import eventlet

LOG = logging.getLogger(__name__)

BUFFER_SIZE = 4096


def handle(conn):
    """Echo everything the client sends until it disconnects."""
    with conn:
        while True:
            data = conn.recv(BUFFER_SIZE)
            if not data:
                break
            conn.sendall(data)


def serve(host='127.0.0.1', port=0):
    server = eventlet.listen((host, port))
    LOG.info('Echo server listening on %s:%d', *server.getsockname())
    pool = eventlet.GreenPool(100)
    while True:
        try:
            conn, address = server.accept()
        except (SystemExit, KeyboardInterrupt):
            break
        LOG.debug('Accepted connection from %s', address)
        pool.spawn_n(handle, conn)
    server.close()


def echo(addr, message):
    """Send a message to the echo server and return the reply."""
    client = eventlet.connect(addr)
    try:
        client.sendall(message)
        return client.recv(BUFFER_SIZE)
    finally:
        client.close()
