"""Pool implementations, loaded by name."""
import importlib

ALIASES = {
    "threads": "mylib.pools.threads:TaskPool",
    "eventlet": "mylib.pools.eventlet:TaskPool",
}


def symbol_by_name(name):
    module_name, _, attr = name.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr) if attr else module


def get_implementation(cls):
    return symbol_by_name(ALIASES.get(cls, cls))


def get_available_pool_names():
    return tuple(ALIASES)
