"""A fault-injecting HTTP server on 127.0.0.1: raw sockets, so it can misbehave as real servers do.

Paths: /reset (closes without answering), /drip (a byte a second), /endless (chunked, never ends),
/bomb (a gzip bomb), /loop-a <-> /loop-b, /latin1 (a wrong charset label), /empty, /binary,
/bad.pdf (a malformed PDF), /truncated (closes mid-body), /hang (accepts and says nothing), /ok; anything else is a 404.
"""

from __future__ import annotations

import gzip
import socket
import socketserver
import threading
import time

OK_PAGE = (b"<html><head><title>Fine</title></head><body><h1>Fine</h1><p>This page is fine and says "
           b"that chiplets need advanced packaging capacity.</p></body></html>")
BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


def _response(status: str, headers: dict[str, str], body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode("latin-1") + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body


class _Handler(socketserver.BaseRequestHandler):
    server: FaultServer

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(10)
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode()
            self.server.hits.append(path)
            self.serve(conn, path)
        except OSError:
            pass

    def serve(self, conn: socket.socket, path: str) -> None:
        stop = self.server.stopping
        if path == "/reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            conn.close()
        elif path == "/hang":
            stop.wait(30)
        elif path == "/drip":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(60):
                if stop.wait(1.0):
                    break
                conn.sendall(b"x")
        elif path == "/endless":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"<p>" + b"a" * 65536 + b"</p>"
            deadline = time.monotonic() + 30
            while not stop.is_set() and time.monotonic() < deadline:
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        elif path == "/bomb":
            conn.sendall(_response("200 OK", {"Content-Type": "text/html", "Content-Encoding": "gzip"}, BOMB))
        elif path in ("/loop-a", "/loop-b"):
            target = "/loop-b" if path == "/loop-a" else "/loop-a"
            conn.sendall(_response("301 Moved Permanently", {"Location": target}, b""))
        elif path == "/latin1":
            body = "<html><body><h1>Café à Köln</h1><p>Déjà vu: chiplets need packaging.</p></body></html>"
            conn.sendall(_response("200 OK", {"Content-Type": "text/html; charset=utf-8"}, body.encode("latin-1")))
        elif path == "/empty":
            conn.sendall(_response("200 OK", {"Content-Type": "text/html"}, b""))
        elif path == "/binary":
            conn.sendall(_response("200 OK", {"Content-Type": "text/html"}, bytes(range(256)) * 64))
        elif path == "/bad.pdf":
            conn.sendall(_response("200 OK", {"Content-Type": "application/pdf"},
                                   b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer <<>>\n"))
        elif path == "/truncated":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html><p>partial")
        elif path == "/ok":
            conn.sendall(_response("200 OK", {"Content-Type": "text/html; charset=utf-8"}, OK_PAGE))
        else:
            conn.sendall(_response("404 Not Found", {"Content-Type": "text/html"}, b"<h1>Not Found</h1>"))


class FaultServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[str] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def close(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
