# Exercises `from eventlet.green import subprocess` running a child Python process.
import sys

from eventlet.green import subprocess


def main():
    out = subprocess.check_output([sys.executable, "-c", "print('hi')"])
    print(out.decode().strip())
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read().upper())"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    stdout, _ = proc.communicate(b"shout")
    print(stdout.decode(), proc.returncode)
    rc = subprocess.call([sys.executable, "-c", "raise SystemExit(3)"])
    print("rc", rc)


if __name__ == "__main__":
    main()
