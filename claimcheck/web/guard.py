"""The app's guard: it serves one maintainer on their own machine, and a web page is a security boundary.

- **Host check.** Only the names the app was bound to answer (DNS rebinding: a page on evil.example that
  resolves itself to 127.0.0.1 sends `Host: evil.example` and is refused).
- **The secret.** A token printed at start (as Jupyter does): opening `/?token=...` sets it in an HttpOnly,
  SameSite=Strict cookie; every page asks for it, so another user of the machine or a page in the browser
  cannot read the store through the app.
- **CSRF.** Every write is a POST carrying a form token derived from the secret (HMAC) and an Origin, when
  sent, of the app's own; SameSite=Strict keeps the cookie off cross-site requests besides.
- **Headers.** The app's pages run no script at all (`script-src 'none'`), are never framed by another site,
  and archived pages get `Content-Security-Policy: sandbox` of their own (archived.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

COOKIE = "claimcheck_token"
APP_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; "
           "form-action 'self'; base-uri 'none'; frame-ancestors 'self'; script-src 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": APP_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make the browser send `Origin: null` on our own forms
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
}

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def csrf_token(secret: str) -> str:
    """The form token: derived from the secret, so a page that cannot read the cookie cannot make it."""
    return hmac.new(secret.encode(), b"claimcheck-csrf", hashlib.sha256).hexdigest()


def same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


class Guard:
    """ASGI middleware: Host check, the secret (from `?token=` into a cookie), security headers on every
    response. Writes are checked by `check_write` in the handlers (they read the form)."""

    def __init__(self, app: ASGIApp, *, secret: str, hosts: frozenset[str]) -> None:
        self.app = app
        self.secret = secret
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if host.lower() not in self.hosts:
            await _respond(PlainTextResponse(f"claimcheck serve answers {sorted(self.hosts)[0]} only", 421),
                           scope, receive, send)
            return
        request = Request(scope)
        token = request.query_params.get("token")
        if token is not None:
            if not same(token, self.secret):
                await _respond(PlainTextResponse("wrong token: use the URL `claimcheck serve` printed", 403),
                               scope, receive, send)
                return
            # The token leaves the address bar (and the history) at once; the cookie carries it from now on.
            response = RedirectResponse(request.url.remove_query_params("token"), status_code=303)
            response.set_cookie(COOKIE, self.secret, httponly=True, samesite="strict", path="/")
            await _respond(response, scope, receive, send)
            return
        if not same(request.cookies.get(COOKIE), self.secret):
            await _respond(PlainTextResponse("open the URL with the token that `claimcheck serve` printed", 401),
                           scope, receive, send)
            return
        await self.app(scope, receive, _with_headers(send))


def _with_headers(send: Send) -> Send:
    async def sending(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                     if k.lower().encode() not in present]
            message["headers"] = list(message.get("headers", [])) + extra
        await send(message)
    return sending


async def _respond(response: Response, scope: Scope, receive: Receive, send: Send) -> None:
    await response(scope, receive, _with_headers(send))


def check_write(request: Request, form_token: str | None, secret: str, origins: frozenset[str]) -> str | None:
    """Why a write is refused, or None: a form token that is not this session's, or a foreign Origin."""
    origin = request.headers.get("origin")
    if origin is not None and origin not in origins:
        return f"a write from another site ({origin}) is refused"
    if not same(form_token, csrf_token(secret)):
        return "the form's token is missing or wrong (reload the page and try again)"
    return None
