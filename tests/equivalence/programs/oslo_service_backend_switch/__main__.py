# oslo.service's looping calls and thread groups pick their backend when imported: the
# worker's package patches first, as OpenStack's cmd packages do. Run as
# `python -m svc.cmd.worker`, so that the packages above it run first.
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

proc = subprocess.run([sys.executable, "-m", "svc.cmd.worker"], cwd=HERE,
                      capture_output=True, text=True, timeout=30)
print(proc.stdout, end="")
if proc.returncode:
    print("exit status", proc.returncode)
    print(proc.stderr[-2000:])
