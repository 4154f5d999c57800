# Use case: WebSocket support
"""Stream instance console output over a websocket."""

import logging

import eventlet
import eventlet.websocket
import eventlet.wsgi

from console import streams

LOG = logging.getLogger(__name__)


@eventlet.websocket.WebSocketWSGI
def console_handler(ws):
    """Forward console lines to the client until it goes away."""
    stream = streams.open_stream(ws.environ.get('QUERY_STRING'))
    try:
        while True:
            line = stream.readline()
            if not line:
                eventlet.sleep(0.1)
                continue
            ws.send(line)
    except OSError:
        LOG.info('Console client disconnected')
    finally:
        stream.close()


def serve(port=6083):
    listener = eventlet.listen(('0.0.0.0', port))
    eventlet.wsgi.server(listener, console_handler)
