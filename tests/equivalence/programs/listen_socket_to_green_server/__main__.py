# A pre-fork server: the parent binds the listening socket with eventlet.listen before
# anything is monkey patched and hands it to the worker it forks; the worker patches the
# socket module and serves the WSGI application with eventlet.wsgi.server on that socket, in a
# GreenPool. The parent checks that the worker serves requests concurrently (/wait is answered
# only once /release has arrived), then stops it with SIGTERM.
import json
import os
import signal
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import eventlet

import worker

REQUEST_TIMEOUT = 2


def get(port, path):
    url = "http://127.0.0.1:%d%s" % (port, path)
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as resp:
            return "%d %s" % (resp.status, json.loads(resp.read().decode()))
    except OSError as exc:
        return "failed (%s)" % type(exc).__name__


def stop(pid):
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if os.WIFEXITED(status):
                return "exited %d" % os.WEXITSTATUS(status)
            return "killed by signal %d" % os.WTERMSIG(status)
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return "did not stop on SIGTERM"


def main():
    sock = eventlet.listen(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        worker.child(worker.make_app(), sock)
    sock.close()
    try:
        print("info:", get(port, "/info"))
        with ThreadPoolExecutor(2) as ex:
            waiting = ex.submit(get, port, "/wait")
            time.sleep(0.1)
            release = ex.submit(get, port, "/release")
            print("release:", release.result())
            print("wait:", waiting.result())
    finally:
        print("worker:", stop(pid))


if __name__ == "__main__":
    main()
