# Deferred calls whose green thread is kept: a delayed probe whose value is read, a
# delayed job whose exception reaches the caller through wait(), and a scheduled retry
# cancelled before it fires. wait() gives the value or raises as the future's result() does.
import eventlet

attempts = []


def probe(host, port=80):
    return "%s:%d up" % (host, port)


def flaky_job(name):
    raise RuntimeError("job %s failed" % name)


def retry(name):
    attempts.append(name)


def main():
    check = eventlet.spawn_after(0.02, probe, "db", port=5432)
    print("probe:", check.wait())

    job = eventlet.spawn_after(0.01, flaky_job, "nightly")
    try:
        job.wait()
    except RuntimeError as exc:
        print("error:", exc)

    pending = eventlet.spawn_after(0.05, retry, "sync")
    pending.cancel()
    eventlet.sleep(0.1)
    print("retries run:", attempts)


if __name__ == "__main__":
    main()
