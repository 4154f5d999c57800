# Exercises `from eventlet.green import threading, socket` used like the stdlib modules.
from eventlet.green import socket
from eventlet.green import threading


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    port = server.getsockname()[1]
    lock = threading.Lock()
    log = []

    def serve_one():
        conn, _ = server.accept()
        data = conn.recv(100)
        with lock:
            log.append("server got %s" % data.decode())
        conn.sendall(data[::-1])
        conn.close()

    t = threading.Thread(target=serve_one)
    t.daemon = True
    t.start()

    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(b"abc")
    reply = client.recv(100)
    client.close()
    t.join()
    server.close()
    print(reply)
    print(log)
    print("alive after join:", t.is_alive())


if __name__ == "__main__":
    main()
