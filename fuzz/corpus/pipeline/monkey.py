# Demonstrates pass being inserted where a block would become empty.
"""Conditional patching for the WSGI launcher."""

import os

import eventlet

if os.environ.get('NOVA_MONKEY_PATCH'):
    eventlet.monkey_patch()


def patch():
    eventlet.monkey_patch()


def safe_patch():
    try:
        eventlet.monkey_patch(os=False, thread=False)
    except ImportError:
        os.environ['NOVA_MONKEY_PATCH'] = ''
