# Exercises gt.wait() inside try/except catching the exception raised by the spawned function.
import eventlet


class QuotaExceeded(Exception):
    pass


def reserve(project, amount):
    eventlet.sleep(0.005)
    if amount > 10:
        raise QuotaExceeded("%s wants %d" % (project, amount))
    return amount


def try_reserve(project, amount):
    gt = eventlet.spawn(reserve, project, amount)
    try:
        got = gt.wait()
    except QuotaExceeded as exc:
        return "refused %s" % exc
    return "reserved %s %d" % (project, got)


def main():
    for project, amount in [("demo", 3), ("admin", 50)]:
        print(try_reserve(project, amount))
    retry = eventlet.spawn(reserve, "alt", 99)
    try:
        retry.wait()
    except QuotaExceeded:
        print("refused again")


if __name__ == "__main__":
    main()
