"""Which addresses the fetcher may connect to, enforced on the address actually connected.

The check lives in an httpcore network backend, below redirects and DNS: every connection, on every redirect
hop, resolves the name itself and refuses a private, loopback, link-local, multicast or reserved address
before any byte is sent. A public name that resolves inside is refused too, and since the backend connects
to the address it checked, DNS cannot change its answer in between (no rebinding window).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable

import httpcore

from .errors import BlockedAddress, DNSError

Resolver = Callable[[str, int], Awaitable[list[str]]]


def address_refusal(address: str) -> str | None:
    """Why an address must not be reached without --allow-private, or None if it is public."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata lives there)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or ip.is_unspecified or not ip.is_global:
        return "a reserved address"
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the system's resolver, preserving its order of preference."""
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout=15)
    except (socket.gaierror, UnicodeError) as exc:
        raise DNSError(f"{host} does not resolve ({exc})") from None
    except asyncio.TimeoutError:
        raise DNSError(f"{host}: DNS lookup timed out") from None
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def static_resolver(table: dict[str, Iterable[str]]) -> Resolver:
    """A resolver from a fixed table (tests): unknown names do not resolve."""

    async def resolve(host: str, port: int) -> list[str]:
        try:
            ipaddress.ip_address(host)
            return [host]
        except ValueError:
            pass
        if host not in table:
            raise DNSError(f"{host} does not resolve (no such name)")
        return list(table[host])

    return resolve


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, vets and connects: the one place where an address is accepted or refused."""

    def __init__(self, resolver: Resolver = system_resolver, *, allow_private: bool = False,
                 inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[tuple] | None = None) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolver(host, port)
        if not addresses:
            raise DNSError(f"{host} does not resolve (no addresses)")
        if not self._allow_private:
            for address in addresses:
                why = address_refusal(address)
                if why:
                    raise BlockedAddress(
                        f"{host} resolves to {address}, {why}; refused (use --allow-private to permit)")
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[tuple] | None = None) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
