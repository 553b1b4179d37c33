"""The HTTP client under the fetch loop: one GET, its body read raw under a cap, and what crossed the wire.

Two sessions answer the same call. `AiohttpSession` is what every run uses: aiohttp directly, with the
guarded resolver underneath. `HttpxSession` hands httpx Requests to an httpx transport, the seam that tests
fill with `httpx.MockTransport` (and anyone with a transport of their own). Why not httpx for every run: a
re-check is mostly this call, and the httpx layer (building an httpx.Request, then the httpx-aiohttp
transport turning it into an aiohttp request and the answer back into an httpx.Response) cost 0.3 ms a
request against 0.35 ms for the whole bare aiohttp GET (bench/run.py: 5,000 conditional GETs, httpx-304 3.21 s
against aiohttp-304 1.66 s), for nothing claimcheck reads.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import aiohttp

from claimcheck.core.errors import BodyTooLarge, ConnectionFailed, FetchError, Timeout, UnsupportedURL
from claimcheck.net.guard import GuardedResolver
from claimcheck.net.records import FetchOptions, Hop

if TYPE_CHECKING:  # imported by HttpxSession when a transport is given: a run never pays for it (~0.09 s)
    import httpx

CHUNK = 64 * 1024


class Session(Protocol):
    async def get(self, url: str, headers: dict[str, str], started: datetime) -> Hop:
        """A GET with these headers besides the session's, as it crossed the wire (the address connected to is
        the caller's to say); redirects are not followed (the caller vets each)."""

    async def __aenter__(self) -> Session: ...

    async def __aexit__(self, *exc: object) -> None: ...


def _default_headers(options: FetchOptions) -> dict[str, str]:
    return {"User-Agent": options.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate"}


async def _capped(chunks: AsyncIterator[bytes], declared: str | None, limit: int, url: str) -> bytes:
    """The body, read until it passes `limit` (BodyTooLarge): a declared length over it is refused unread."""
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"the body is {int(declared):,} bytes, over the {limit:,} cap", url)
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"the body is over the {limit:,} byte cap", url)
        parts.append(chunk)
    return b"".join(parts)


def _latin1(pairs: Any) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs]


def ssl_context() -> ssl.SSLContext:
    """What httpx verifies certificates against, as it does: SSL_CERT_FILE or SSL_CERT_DIR when set, else
    certifi's bundle."""
    import certifi

    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    return ssl.create_default_context(cafile=certifi.where())


class AiohttpSession:
    """aiohttp itself: the connector's resolver is the guard, so every address connected to was vetted.
    Cookies are kept across a run (sites that set one on a redirect expect it back), for addresses too."""

    def __init__(self, options: FetchOptions, guard: GuardedResolver,
                 on_sent: Callable[[str], None] | None = None) -> None:
        self.options = options
        connector = aiohttp.TCPConnector(limit=options.max_concurrency, limit_per_host=0, resolver=guard,
                                         keepalive_timeout=5.0)
        self._ssl: ssl.SSLContext | None = None  # made for the first https request: http-only runs never load the CAs
        traces = []
        if on_sent is not None:
            # When a request's headers are really written: what per-host politeness is measured from.
            trace = aiohttp.TraceConfig()

            async def headers_sent(session: aiohttp.ClientSession, context: Any,
                                   params: aiohttp.TraceRequestHeadersSentParams) -> None:
                on_sent(str(params.url))

            trace.on_request_headers_sent.append(headers_sent)
            traces.append(trace)
        self.session = aiohttp.ClientSession(
            connector=connector, trust_env=False,  # a proxy would bypass the guard
            auto_decompress=False, trace_configs=traces, cookie_jar=aiohttp.CookieJar(unsafe=True),
            skip_auto_headers=("Accept-Encoding", "User-Agent"))
        self.headers = _default_headers(options)
        # As httpx.Timeout(total, connect=...) reached aiohttp before: connecting and each read are bounded;
        # the whole request is bounded by the fetch loop (`total_timeout`, body included).
        self.timeout = aiohttp.ClientTimeout(total=None, sock_connect=options.connect_timeout,
                                             sock_read=options.total_timeout, connect=options.total_timeout)

    async def get(self, url: str, headers: dict[str, str], started: datetime) -> Hop:
        sent = {**self.headers, **headers} if headers else self.headers
        async with self.session.get(url, headers=sent, allow_redirects=False, timeout=self.timeout,
                                    ssl=self._context() if url[:6].lower() == "https:" else True) as response:
            body = await _capped(response.content.iter_chunked(CHUNK), response.headers.get("Content-Length"),
                                 self.options.max_body, url)
            version = response.version
            return Hop(url, response.status, response.reason or "",
                       f"HTTP/{version.major}.{version.minor}" if version else "HTTP/1.1",
                       _latin1(response.raw_headers),
                       # Plain strings: aiohttp's case-insensitive keys cost ten times as much to hand to the writer.
                       [(str(name), value) for name, value in response.request_info.headers.items()], body, None,
                       started)

    def _context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl_context()
        return self._ssl

    async def __aenter__(self) -> AiohttpSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()


class HttpxSession:
    """httpx Requests handed straight to a transport, with the client's defaults but not its machinery (URL
    merging, auth, redirects): claimcheck follows redirects itself. Cookies are kept across a run."""

    def __init__(self, options: FetchOptions, transport: httpx.AsyncBaseTransport) -> None:
        import httpx

        self.options = options
        self.transport = transport
        self.headers = _default_headers(options)
        self.timeout = httpx.Timeout(options.total_timeout, connect=options.connect_timeout).as_dict()
        self.cookies = httpx.Cookies()

    async def get(self, url: str, headers: dict[str, str], started: datetime) -> Hop:
        import httpx

        try:
            return await self._get(url, headers, started)
        except httpx.TransportError as exc:
            raise transport_failure(exc, url) from None
        except httpx.InvalidURL as exc:
            raise UnsupportedURL(str(exc), url) from None

    async def _get(self, url: str, headers: dict[str, str], started: datetime) -> Hop:
        import httpx

        request = httpx.Request("GET", url, headers={**self.headers, **headers}, extensions={"timeout": self.timeout})
        if self.cookies.jar:
            self.cookies.set_cookie_header(request)
        response = await self.transport.handle_async_request(request)
        response.request = request
        if "set-cookie" in response.headers:
            self.cookies.extract_cookies(response)
        try:
            if response.is_stream_consumed:  # a transport that hands over whole bodies (mock, ASGI)
                async def whole() -> AsyncIterator[bytes]:
                    yield response.content
                chunks = whole()
            else:
                chunks = response.aiter_raw()
            body = await _capped(chunks, response.headers.get("content-length"), self.options.max_body, url)
        finally:
            await response.aclose()
        return Hop(url, response.status_code, response.reason_phrase, response.http_version,
                   _latin1(response.headers.raw), _latin1(request.headers.raw), body, None, started)

    async def __aenter__(self) -> HttpxSession:
        await self.transport.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.transport.aclose()


def transport_failure(exc: httpx.TransportError, url: str) -> FetchError:
    """The failure as the underlying client saw it: httpx-aiohttp maps every aiohttp connection error, a
    reset included, to ConnectTimeout, so the original exception decides."""
    import httpx

    cause = exc.__cause__ or exc
    if cause is exc and isinstance(exc, httpx.TimeoutException):
        return Timeout(f"timed out ({type(exc).__name__})", url)
    return client_failure(cause, url)


def client_failure(cause: BaseException, url: str) -> FetchError:
    """An aiohttp failure (or what a transport raised) in words an editor reads, as a fetch error."""
    name = type(cause).__name__
    if isinstance(cause, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        return Timeout(f"timed out ({name})", url)
    if isinstance(cause, aiohttp.InvalidURL):
        return UnsupportedURL(f"{url}: not a URL that can be fetched ({cause})", url)
    if isinstance(cause, aiohttp.ClientConnectorCertificateError):
        return ConnectionFailed(f"the TLS certificate of {cause.host} was refused: {cause.certificate_error}", url)
    if isinstance(cause, aiohttp.ClientConnectorError):
        # Said in words an editor reads ("ClientConnectorError: Cannot connect to host x:443 ssl:default
        # [Connect call failed ...]" is aiohttp's); the words are what judging reads as "the address is wrong".
        error = cause.os_error
        why = os.strerror(error.errno) if error and error.errno else (str(error) if error else "failed")
        return ConnectionFailed(f"cannot connect to {cause.host}:{cause.port}: {why.lower()}", url)
    return ConnectionFailed(f"{name}: {cause or 'connection failed'}", url)
