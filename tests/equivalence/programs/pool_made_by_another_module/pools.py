# Makes the pools of the pool_made_by_another_module program.
import eventlet


def make_pool(size):
    return eventlet.GreenPool(size)
