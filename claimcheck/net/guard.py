"""Which addresses the fetcher may connect to, enforced on the address actually connected.

The check lives in the HTTP client's resolver, below redirects: every connection, on every redirect hop,
resolves the name through `GuardedResolver`, which refuses a private, loopback, link-local, multicast or
reserved address before any byte is sent. A public name that resolves inside is refused too, and since the
client connects only to the addresses the resolver vetted, DNS cannot change its answer in between (no
rebinding window). IP addresses written in a URL are never resolved, so `vet_literal` checks them.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable

from aiohttp.abc import AbstractResolver, ResolveResult

from claimcheck.core.errors import BlockedAddress, DNSError

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


@functools.lru_cache(maxsize=4096)  # asked for every hop; a run meets few distinct hosts
def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def vet_literal(host: str, allow_private: bool) -> None:
    """An IP address written in the URL is never resolved, so it is vetted here."""
    if allow_private or not is_ip_literal(host):
        return
    why = address_refusal(host.strip("[]"))
    if why:
        raise BlockedAddress(f"{host} is {why}; refused (use --allow-private to permit)")


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver, vetting every address before aiohttp may connect to it: the addresses returned
    are the only ones aiohttp connects to, so the check holds for the address actually connected, on every
    redirect hop, with no window for DNS to change its answer."""

    def __init__(self, resolver: Resolver = system_resolver, *, allow_private: bool = False,
                 route: Callable[[str], str] | None = None) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._route = route or (lambda address: address)
        self.peers: dict[str, str] = {}  # host -> the address vetted first (for WARC-IP-Address)

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_UNSPEC) -> list[ResolveResult]:
        addresses = await self._resolver(host, port)
        if not addresses:
            raise DNSError(f"{host} does not resolve (no addresses)")
        if not self._allow_private:
            for address in addresses:
                why = address_refusal(address)
                if why:
                    raise BlockedAddress(
                        f"{host} resolves to {address}, {why}; refused (use --allow-private to permit)")
        self.peers[host] = addresses[0]
        results: list[ResolveResult] = []
        for address in addresses:
            target = self._route(address)
            results.append({"hostname": host, "host": target, "port": port,
                            "family": socket.AF_INET6 if ":" in target else socket.AF_INET, "proto": 0,
                            "flags": socket.AI_NUMERICHOST | socket.AI_NUMERICSERV})
        return results

    async def close(self) -> None:
        pass
