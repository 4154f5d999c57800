# A worker on oslo.service's looping calls and thread groups, and its unit tests: the
# worker's command package patches first, and so do the test package and the test base.
# Both processes run: `python -m svc.cmd.worker`, and unittest discovering `svc/tests/unit`
# (importing the test package first, as stestr's discovery does).
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(*args):
    return subprocess.run([sys.executable, *args], cwd=HERE, capture_output=True,
                          text=True, timeout=60)


proc = run("-m", "svc.cmd.worker")
print(proc.stdout, end="")
if proc.returncode:
    print("exit status", proc.returncode)
    print(proc.stderr[-2000:])

proc = run("-m", "unittest", "discover", "-v", "-s", "svc/tests/unit", "-t", ".")
print(proc.stdout, end="")
for line in proc.stderr.splitlines():
    if line.endswith(("ok", "FAIL", "ERROR")) or line.startswith(("OK", "FAILED", "Ran")):
        print(line.split(" in ")[0] if line.startswith("Ran") else line)
if proc.returncode:
    print("exit status", proc.returncode)
    print(proc.stderr[-3000:])
