# Exercises `gt.wait()` (value unused) re-raising the green thread's exception to an outer caller's try/except.
import eventlet

COPIED = []


class MigrationError(Exception):
    pass


def copy_disk(name):
    eventlet.sleep(0.001)
    if name == "bad-disk":
        raise MigrationError("cannot copy %s" % name)
    COPIED.append(name)


def migrate(name):
    gt = eventlet.spawn(copy_disk, name)
    gt.wait()
    return "migrated %s" % name


def main():
    for name in ("good-disk", "bad-disk"):
        try:
            print(migrate(name))
        except MigrationError as exc:
            print("rollback:", exc)
    print("copied", COPIED)


if __name__ == "__main__":
    main()
