# Use case: WSGI server
"""Serve the metadata API with eventlet's WSGI server."""

import logging
import sys

import eventlet
import eventlet.wsgi

from metadata import config

eventlet.monkey_patch()

LOG = logging.getLogger(__name__)

DEFAULT_PORT = 8775


def metadata_app(environ, start_response):
    """Return the instance metadata document for the requested path."""
    path = environ.get('PATH_INFO', '/')
    if path != '/latest/meta-data':
        start_response('404 Not Found', [('Content-Type', 'text/plain')])
        return [b'Not Found\n']
    body = config.render_metadata(environ.get('REMOTE_ADDR'))
    start_response('200 OK', [('Content-Type', 'application/json'),
                              ('Content-Length', str(len(body)))])
    return [body]


def serve(port=DEFAULT_PORT, workers=100):
    """Run the server until interrupted."""
    sock = eventlet.listen(('127.0.0.1', port))
    pool = eventlet.GreenPool(workers)
    LOG.info('Metadata API listening on port %d', port)
    eventlet.wsgi.server(sock, metadata_app, custom_pool=pool,
                         log=LOG, keepalive=False)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PORT
    eventlet.wsgi.server(eventlet.listen(('127.0.0.1', port)), metadata_app)


if __name__ == '__main__':
    main()
