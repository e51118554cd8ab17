#!/usr/bin/env python3
"""A TCP proxy in front of PostgreSQL that serves one request at a time, as
a pooler that mishandles pipelines does: a client that sends anything while
a request is still unanswered (no ReadyForQuery yet) is disconnected.

    nopipe_proxy.py LISTEN_PORT SERVER_PORT

It listens on 127.0.0.1 and connects to the server on 127.0.0.1.  SSL and
GSS encryption are refused, so libpq talks in the clear."""
import socket
import struct
import sys
import threading

SSL_REQUEST, GSSENC_REQUEST, CANCEL_REQUEST = 80877103, 80877104, 80877102


def recv_exact(s, n):
    buf = b''
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return buf


def session(client, server_port):
    try:
        server = socket.create_connection(('127.0.0.1', server_port))
    except OSError:
        client.close()
        return
    lock = threading.Lock()
    waiting = [1]  # the startup's ReadyForQuery

    def close():
        for s in (client, server):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def upstream():
        try:
            while True:
                head = recv_exact(client, 8)
                length, code = struct.unpack('!II', head)
                if code in (SSL_REQUEST, GSSENC_REQUEST):
                    client.sendall(b'N')
                    continue
                server.sendall(head + recv_exact(client, length - 8))
                if code == CANCEL_REQUEST:
                    return
                break
            while True:
                head = recv_exact(client, 5)
                kind = head[:1]
                body = recv_exact(client, struct.unpack('!I', head[1:])[0] - 4)
                with lock:
                    # a password message answers the server during start-up
                    if waiting[0] and kind != b'p':
                        sys.stderr.write('nopipe_proxy: a request sent before the last one was '
                                         'answered: disconnected\n')
                        close()
                        return
                    if kind in (b'S', b'Q'):
                        waiting[0] += 1
                server.sendall(head + body)
        except (EOFError, OSError):
            close()

    def downstream():
        try:
            while True:
                head = recv_exact(server, 5)
                body = recv_exact(server, struct.unpack('!I', head[1:])[0] - 4)
                if head[:1] == b'Z':
                    with lock:
                        waiting[0] -= 1
                client.sendall(head + body)
        except (EOFError, OSError):
            close()

    up = threading.Thread(target=upstream, daemon=True)
    down = threading.Thread(target=downstream, daemon=True)
    up.start()
    down.start()
    up.join()
    down.join()
    client.close()
    server.close()


def main():
    listen_port, server_port = int(sys.argv[1]), int(sys.argv[2])
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', listen_port))
    ls.listen(16)
    while True:
        client, _ = ls.accept()
        threading.Thread(target=session, args=(client, server_port), daemon=True).start()


if __name__ == '__main__':
    main()
