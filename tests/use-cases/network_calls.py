# Use case: asynchronous network calls
"""Poll remote image servers for their status over green sockets."""

import json
import logging

import eventlet
from eventlet.green import socket
from eventlet.green import ssl
from eventlet.green import urllib2

LOG = logging.getLogger(__name__)

RETRIES = 3
RETRY_INTERVAL = 2


def fetch_status(url, timeout=10):
    """Fetch a JSON status document, retrying on failure."""
    for attempt in range(1, RETRIES + 1):
        try:
            with eventlet.Timeout(timeout):
                response = urllib2.urlopen(url)
                return json.loads(response.read())
        except eventlet.Timeout:
            LOG.warning('Timed out fetching %s (attempt %d)', url, attempt)
        except urllib2.URLError as exc:
            LOG.warning('Error fetching %s: %s', url, exc)
        eventlet.sleep(RETRY_INTERVAL * attempt)
    return None


def probe_tls_port(host, port=443):
    """Return the peer certificate of a TLS endpoint."""
    context = ssl.create_default_context()
    sock = socket.create_connection((host, port), timeout=5)
    try:
        tls_sock = context.wrap_socket(sock, server_hostname=host)
        return tls_sock.getpeercert()
    finally:
        sock.close()


def poll_all(urls):
    pool = eventlet.GreenPool()
    for url, status in zip(urls, pool.imap(fetch_status, urls)):
        LOG.info('%s: %s', url, status)
