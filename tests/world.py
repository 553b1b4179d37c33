"""A small world of publisher sites on 127.0.0.1 that tests change between runs.

Each `Site` is a real HTTP server on its own port (so each is its own host for politeness and network-down
rules). Routes are set, changed and removed while the server runs; ETag and Last-Modified are answered with
304 when they match, as real publishers' servers do.
"""

from __future__ import annotations

import gzip
import hashlib
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

PAGES = Path(__file__).parent / "fixtures" / "pages"
# A test CA and a certificate it signed for 127.0.0.1, valid until 2126 (made with openssl; the CA's key was
# thrown away): `Site(tls=True)` serves https with it, and SSL_CERT_FILE=TLS_CA makes a client trust it.
TLS = Path(__file__).parent / "fixtures" / "tls"
TLS_CA = TLS / "ca.pem"

NOT_FOUND_PAGE = b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True  # answer with an ETag and honour If-None-Match
    gzip: bool = False
    delay: float = 0.0


class Site:
    def __init__(self, *, tls: bool = False) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.arrivals: list[float] = []  # time.monotonic() of each request, as `requests`
        self.fallback: Route | None = None  # what unknown paths get (default: 404)
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.arrivals.append(time.monotonic())
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = site.routes.get(self.path) or site.fallback or Route(404, NOT_FOUND_PAGE, etag=False)
                if route.delay:
                    time.sleep(route.delay)
                body = gzip.compress(route.body, mtime=0) if route.gzip else route.body
                headers = dict(route.headers)
                if route.status == 200 and route.etag:
                    tag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                    headers["ETag"] = tag
                    if self.headers.get("If-None-Match") == tag:
                        self.send_response(304)
                        self.send_header("ETag", tag)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                if route.gzip:
                    self.send_header("Content-Encoding", "gzip")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.scheme = "https" if tls else "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(TLS / "server.pem", TLS / "server.key")
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def page(self, path: str, body: bytes | str, **kwargs: object) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kwargs)  # type: ignore[arg-type]

    def fixture(self, path: str, name: str, **kwargs: object) -> None:
        content_type = "application/pdf" if name.endswith(".pdf") else "text/html; charset=utf-8"
        self.routes[path] = Route(body=(PAGES / name).read_bytes(), content_type=content_type, **kwargs)  # type: ignore[arg-type]

    def status(self, path: str, status: int, body: bytes = b"", **kwargs: object) -> None:
        self.routes[path] = Route(status=status, body=body, etag=False, **kwargs)  # type: ignore[arg-type]

    def redirect(self, path: str, to: str, status: int = 301) -> None:
        self.routes[path] = Route(status=status, body=b"", etag=False, headers={"Location": to})

    def remove(self, path: str) -> None:
        self.routes.pop(path, None)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


REPO = Path(__file__).resolve().parent.parent
ARTICLE = REPO / "article" / "advanced-semiconductor-packaging.txt"

# Where each source of the real claims.yaml lives in the local world, and which fixture it serves.
WORLD_PATHS = {
    "intel-2023-packaging": ("/content/www/us/en/newsroom/news/intel-leads-the-way-with-advanced-packaging.html",
                             "intel-packaging.html"),
    "synopsys-tsmc-2025-a16-n2p": ("/2025-04-23-Synopsys-and-TSMC-Usher-In-Angstrom-Scale-Designs",
                                   "synopsys-2025-a16-n2p.html"),
    "synopsys-tsmc-2026-ai-systems": ("/2026-04-22-Synopsys-Partners-with-TSMC-to-Power-Next-Generation-AI",
                                      "synopsys-2026-ai-systems.html"),
    "amd-2024-chiplet-white-paper": ("/content/dam/amd/en/documents/chiplet-architecture-white-paper.pdf",
                                     "amd-chiplet-white-paper.pdf"),
    "amd-2025-engineering-ai": ("/en/blogs/2025/engineering-the-future-of-ai.html", "amd-engineering-ai.html"),
}


# The world's claims: the repository's claims.yaml as it was when the tests' expectations were written (its
# first eight claims), so that an editor adding claims to the real file does not move every count in the tests.
# tests/test_verdicts.py checks the real file against the same world.
WORLD_CLAIMS = Path(__file__).parent / "fixtures" / "claims-world.yaml"


def write_claims(directory: Path, site: Site, *, overrides: dict[str, Any] | None = None,
                 claims: Path = WORLD_CLAIMS) -> Path:
    """A claims file (by default the world's) with each source's URL pointed at the local world."""
    data = yaml.safe_load(claims.read_text())
    data["article"]["path"] = str(ARTICLE)
    for source_id, (path, _) in WORLD_PATHS.items():
        data["sources"][source_id]["url"] = site.url(path)
    for source_id, fields in (overrides or {}).items():
        data["sources"][source_id].update(fields)
    target = directory / "claims.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return target
