# Exercises a fire-and-forget eventlet.spawn_after still pending when the program ends (eventlet drops it at exit).
import eventlet


def send_late_report(state):
    print("late report:", state["value"])


def main():
    state = {"value": "initial"}
    eventlet.spawn_after(1.5, send_late_report, state)
    eventlet.sleep(0.01)
    state["value"] = "final"
    print("main finished")


if __name__ == "__main__":
    main()
