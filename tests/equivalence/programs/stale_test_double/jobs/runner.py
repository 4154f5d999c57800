import eventlet


def start(job):
    eventlet.spawn_n(job)
