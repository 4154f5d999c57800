# Sockets only are patched; a consumer green thread reads an eventlet queue and is killed:
# it stays green, so the queue must stay eventlet's (a stdlib queue would block the hub and
# deadlock). The green socket module becomes the stdlib one: socket is patched.
import eventlet
from eventlet import queue
from eventlet.green import socket

eventlet.monkey_patch(socket=True)

seen = []


def consume(q):
    while True:
        seen.append(q.get())


def main():
    q = queue.Queue(10)
    consumer = eventlet.spawn(consume, q)
    for item in range(3):
        q.put(item)
    eventlet.sleep(0)
    eventlet.sleep(0.01)
    print("consumed", seen)
    consumer.kill()
    print("resolves", socket.getaddrinfo("localhost", None) is not None)


if __name__ == "__main__":
    main()
