# Exercises an eventlet Event carrying a value: evt.send(42) in a green thread, v = evt.wait().
import eventlet
from eventlet import event


def compute_answer(evt):
    eventlet.sleep(0.01)
    evt.send(42)


def main():
    evt = event.Event()
    eventlet.spawn_n(compute_answer, evt)
    v = evt.wait()
    print("answer", v)
    print("ready", evt.ready())
    result = event.Event()
    result.send("immediate")
    print(result.wait())


if __name__ == "__main__":
    main()
