import eventlet


def poll_twice(check):
    check()
    eventlet.sleep(60)
    check()
