"""The worker: runs a few batches of jobs on the selected pool and says what happened."""
import socket
import threading
import time

from mylib import pools


def parse_args(argv):
    opts = {"pool": "threads", "concurrency": 4}
    args = iter(argv)
    for arg in args:
        if arg in ("-P", "--pool"):
            opts["pool"] = next(args)
        elif arg.startswith("--pool="):
            opts["pool"] = arg.split("=", 1)[1]
        elif arg in ("-c", "--concurrency"):
            opts["concurrency"] = int(next(args))
    return opts


def wait_for(event, name):
    # Finishes only if the job that sets `event` runs meanwhile.
    return "%s: %s" % (name, "got it" if event.wait(2) else "timed out")


def announce(event, name):
    event.set()
    return "%s: sent" % name


def echo(payload):
    left, right = socket.socketpair()
    with left, right:
        left.sendall(payload.encode())
        return right.recv(64).decode().upper()


def parse(payload):
    if not payload.isdigit():
        raise ValueError("bad payload %r" % payload)
    return int(payload)


def long_job(seconds):
    time.sleep(seconds)
    return "finished"


def run_batch(pool, title, jobs):
    results = [None] * len(jobs)
    handles = []
    for i, (target, args) in enumerate(jobs):
        handles.append(pool.apply_async(
            target, args, callback=lambda r, i=i: results.__setitem__(i, r)))
    try:
        pool.join()
    except Exception as exc:
        print("%s: stopped by %s: %s" % (title, type(exc).__name__, exc))
    else:
        print("%s: %s" % (title, results))
    return handles


def main(argv):
    opts = parse_args(argv)
    if argv[:1] != ["worker"]:
        print("usage: python -m mylib worker -P threads|eventlet")
        return 2
    pool_cls = pools.get_implementation(opts["pool"])
    pool = pool_cls(opts["concurrency"])
    print("pool %s green=%s" % (pool.name, pool.is_green))
    print("patched: %s" % (pool.info()["patched"],))
    pool.on_start()
    try:
        ready = threading.Event()
        run_batch(pool, "handshake", [(wait_for, (ready, "a")), (announce, (ready, "b"))])
        run_batch(pool, "echo", [(echo, (word,)) for word in ("alpha", "beta", "gamma")])
        run_batch(pool, "parse", [(parse, ("7",)), (parse, ("x7",))])
        job_results = []
        job = pool.apply_async(long_job, (0.5,), callback=job_results.append)
        time.sleep(0.05)
        terminated = pool.terminate_job(job)
        pool.join()
        print("terminate: %s -> %s" % (terminated, job_results))
    finally:
        pool.on_stop()
    print("done")
    return 0
