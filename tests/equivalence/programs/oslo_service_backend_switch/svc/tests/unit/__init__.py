# The unit tests' package patches before any test module is imported.
import eventlet

eventlet.monkey_patch()
