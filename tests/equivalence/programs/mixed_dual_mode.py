# A script that patches everything and keeps one green thread it kills with eventlet.kill()
# (so the process stays on the hub): its sleeps, thread and event become the standard
# library's, which run green under the patching (dual mode), and so does the green thread it
# kills with its own kill(): a StoppableThread, told to stop where it sleeps.
import eventlet

eventlet.monkey_patch()

from eventlet import event  # noqa: E402

log = []


def ticker(stop):
    while not stop.ready():
        log.append("tick")
        eventlet.sleep(0.01)


def watcher():
    while True:
        eventlet.sleep(0.005)


def guard():
    while True:
        eventlet.sleep(0.005)


def main():
    stop = event.Event()
    eventlet.spawn_n(ticker, stop)
    spy = eventlet.spawn(watcher)
    guarding = eventlet.spawn(guard)
    eventlet.sleep(0.05)
    stop.send()
    eventlet.sleep(0.02)
    eventlet.kill(guarding)
    spy.kill()
    print("ticked", len(log) >= 3)


if __name__ == "__main__":
    main()
