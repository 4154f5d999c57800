# Exercises a green socket echo server (eventlet.listen, port 0) and an eventlet.connect client.
import eventlet


def handle(server, served):
    conn, _ = server.accept()
    chunks = []
    while True:
        data = conn.recv(1024)
        if not data:
            break
        chunks.append(data)
    conn.sendall(b"echo:" + b"".join(chunks))
    served.append(True)
    conn.close()


def main():
    server = eventlet.listen(('127.0.0.1', 0))
    addr = server.getsockname()
    served = []
    eventlet.spawn(handle, server, served)

    client = eventlet.connect(addr)
    client.sendall(b"hello ")
    client.sendall(b"world")
    client.shutdown(1)
    reply = b""
    while True:
        data = client.recv(1024)
        if not data:
            break
        reply += data
    client.close()
    server.close()
    print(reply.decode())
    print("host", addr[0], "port assigned", addr[1] > 0)
    print("served", len(served))


if __name__ == "__main__":
    main()
