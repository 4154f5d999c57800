# A local read only by a removed eventlet.debug call is removed with it: the program runs
# the same without eventlet, and nothing is left unused. One computed by a call keeps the
# call (it prints here), without the binding.
import eventlet.debug


class Conf(object):
    debug_level = False

    def flag(self, name):
        print("reading", name)
        return False


def configure(conf):
    level = conf.debug_level
    eventlet.debug.hub_exceptions(level)
    blocking = conf.flag("eventlet_debug")
    eventlet.debug.hub_blocking_detection(blocking)
    return "configured"


if __name__ == "__main__":
    print(configure(Conf()))
