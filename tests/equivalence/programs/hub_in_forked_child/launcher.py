import errno
import os
import signal
import sys

import eventlet
import eventlet.debug
import eventlet.hubs
import eventlet.wsgi


class SignalExit(SystemExit):
    def __init__(self, signo):
        super().__init__(0)
        self.signo = signo


class WSGIService:
    def __init__(self, name, app):
        self.name = name
        self.app = app
        # Bound by the parent so every worker accepts on the same socket.
        self.sock = eventlet.listen(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def serve(self):
        eventlet.wsgi.server(self.sock, self.app,
                             custom_pool=eventlet.GreenPool(10),
                             log_output=False)


class ProcessLauncher:
    fork_interval = 0.05

    def __init__(self, debug_blocking=False):
        self.debug_blocking = debug_blocking
        self.children = {}

    def _child_process(self, service):
        signal.signal(signal.SIGTERM, self._on_sigterm)
        # Reopen the eventlet hub to make sure we don't share an epoll
        # fd with the parent and/or siblings, which would be bad.
        eventlet.hubs.use_hub("poll")
        eventlet.monkey_patch()
        if self.debug_blocking:
            eventlet.debug.hub_blocking_detection(True, resolution=2)
        service.serve()

    @staticmethod
    def _on_sigterm(signo, frame):
        raise SignalExit(signo)

    def launch_service(self, service):
        if self.children:
            # Do not fork the workers back to back.
            eventlet.sleep(self.fork_interval)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                self._child_process(service)
            except BaseException:
                status = 2
            finally:
                os._exit(status)
        self.children[pid] = service.name
        return pid

    def stop(self):
        results = []
        for pid, name in list(self.children.items()):
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError as exc:
                if exc.errno != errno.ESRCH:
                    raise
        for pid, name in list(self.children.items()):
            _, status = os.waitpid(pid, 0)
            if os.WIFEXITED(status):
                results.append((name, "exited %d" % os.WEXITSTATUS(status)))
            else:
                results.append((name, "killed by signal %d" % os.WTERMSIG(status)))
            del self.children[pid]
        return results
