# A local read only by a removed eventlet.debug call is removed with it: the program runs
# the same without eventlet, and nothing is left unused.
import eventlet.debug


class Conf(object):
    debug_level = False


def configure(conf):
    level = conf.debug_level
    eventlet.debug.hub_exceptions(level)
    return "configured"


if __name__ == "__main__":
    print(configure(Conf()))
