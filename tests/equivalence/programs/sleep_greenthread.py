# Exercises `from eventlet import greenthread` + greenthread.sleep in a periodic-task style loop.
from eventlet import greenthread


class PeriodicTask(object):
    def __init__(self, interval):
        self.interval = interval
        self.runs = []

    def run(self, count):
        for n in range(count):
            self.runs.append("tick-%d" % n)
            greenthread.sleep(self.interval)
        greenthread.sleep(0)


def main():
    task = PeriodicTask(0.01)
    task.run(3)
    print(task.runs)


if __name__ == "__main__":
    main()
