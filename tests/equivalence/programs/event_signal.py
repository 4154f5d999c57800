# Exercises eventlet.event.Event used only to signal: send/wait/ready/reset.
import eventlet
import eventlet.event


def main():
    started = eventlet.event.Event()
    stop = eventlet.event.Event()
    steps = []

    def service():
        steps.append("starting")
        started.send()
        stop.wait()
        steps.append("stopping")

    print("ready before:", started.ready())
    gt = eventlet.spawn(service)
    started.wait()
    print("ready after:", started.ready())
    started.reset()
    print("ready after reset:", started.ready())
    stop.send()
    gt.wait()
    print(steps)


if __name__ == "__main__":
    main()
