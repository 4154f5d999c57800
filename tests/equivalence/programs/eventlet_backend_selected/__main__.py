# celery's shape: a worker whose concurrency backend is chosen on the command line. `-P
# eventlet` makes mylib patch the process with eventlet before anything else is imported
# (maybe_patch_concurrency) and load the green pool by name; `-P threads` loads the thread
# pool and never imports eventlet. The same jobs run once with each backend, each in its own
# process, as `python -m mylib worker -P <pool>`.
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_worker(pool):
    proc = subprocess.run(
        [sys.executable, "-m", "mylib", "worker", "-P", pool, "--concurrency", "4"],
        cwd=HERE, capture_output=True, text=True, timeout=20)
    lines = proc.stdout.splitlines()
    if proc.returncode:
        lines.append("exit status %d" % proc.returncode)
    return lines


def main():
    for pool in ("threads", "eventlet"):
        for line in run_worker(pool):
            print("[-P %s] %s" % (pool, line))


if __name__ == "__main__":
    main()
