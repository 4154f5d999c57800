# Exercises an eventlet Event carrying a value: evt.send(42) from a green thread, v = evt.wait().
import eventlet
from eventlet import event


def main():
    evt = event.Event()

    def compute_answer():
        eventlet.sleep(0.01)
        evt.send(42)

    eventlet.spawn_n(compute_answer)
    v = evt.wait()
    print("answer", v)
    print("ready", evt.ready())
    result = event.Event()
    result.send("immediate")
    print(result.wait())


if __name__ == "__main__":
    main()
