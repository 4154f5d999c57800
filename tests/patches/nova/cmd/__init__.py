# Entry points: eventlet must be patched before anything else is imported.
import eventlet

eventlet.monkey_patch()
