# Exercises eventlet.monkey_patch() followed by plain threading/time/socket code.
import eventlet
eventlet.monkey_patch()

import socket  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402


def main():
    lock = threading.Lock()
    totals = []

    def worker(n):
        time.sleep(0.005 * n)
        with lock:
            totals.append(n * 10)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sorted(totals))

    left, right = socket.socketpair()
    received = []

    def reader():
        received.append(right.recv(64))

    t = threading.Thread(target=reader)
    t.start()
    time.sleep(0.01)
    left.sendall(b"ping")
    t.join()
    left.close()
    right.close()
    print(received)

    done = threading.Event()
    threading.Timer(0.01, done.set).start()
    print("timer fired:", done.wait(2))


if __name__ == "__main__":
    main()
