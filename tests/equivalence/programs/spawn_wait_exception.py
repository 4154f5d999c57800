# Exercises gt.wait() inside try/except catching the exception raised by the spawned function.
import eventlet


class QuotaExceeded(Exception):
    pass


def reserve(project, amount):
    eventlet.sleep(0.005)
    if amount > 10:
        raise QuotaExceeded("%s wants %d" % (project, amount))
    return amount


def main():
    for project, amount in [("demo", 3), ("admin", 50)]:
        gt = eventlet.spawn(reserve, project, amount)
        try:
            got = gt.wait()
            print("reserved", project, got)
        except QuotaExceeded as exc:
            print("refused", exc)
    gt = eventlet.spawn(reserve, "alt", 99)
    try:
        gt.wait()
    except QuotaExceeded:
        print("refused again")


if __name__ == "__main__":
    main()
