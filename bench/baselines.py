"""Bare GET loops over the benchmark's URLs: the floor that claimcheck is measured against.

    python bench/baselines.py aiohttp|httpx|httpx-aiohttp|httpx-transport URLS.json [--conditional ETAGS.json]
                              [--concurrency 128]

Prints the number of answers by status. With --conditional, sends If-None-Match with each URL's ETag
(as a re-check does); without it, records the ETags to ETAGS.json if --save-etags is given.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter


async def with_aiohttp(urls: list[str], etags: dict[str, str], concurrency: int) -> tuple[Counter, dict]:
    import aiohttp
    seen: Counter = Counter()
    found: dict[str, str] = {}
    limit = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(url: str) -> None:
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            async with limit, session.get(url, headers=headers) as response:
                await response.read()
                seen[response.status] += 1
                if "ETag" in response.headers:
                    found[url] = response.headers["ETag"]
        await asyncio.gather(*(one(u) for u in urls))
    return seen, found


async def _httpx_loop(client, urls: list[str], etags: dict[str, str],  # type: ignore[no-untyped-def]
                      concurrency: int) -> tuple[Counter, dict]:
    seen: Counter = Counter()
    found: dict[str, str] = {}
    limit = asyncio.Semaphore(concurrency)
    async with client:
        async def one(url: str) -> None:
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            async with limit:
                response = await client.get(url, headers=headers)
                seen[response.status_code] += 1
                if "ETag" in response.headers:
                    found[url] = response.headers["ETag"]
        await asyncio.gather(*(one(u) for u in urls))
    return seen, found


async def with_httpx(urls: list[str], etags: dict[str, str], concurrency: int) -> tuple[Counter, dict]:
    import httpx
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return await _httpx_loop(httpx.AsyncClient(limits=limits, timeout=60), urls, etags, concurrency)


async def with_httpx_aiohttp(urls: list[str], etags: dict[str, str], concurrency: int) -> tuple[Counter, dict]:
    import aiohttp
    import httpx
    from httpx_aiohttp import AiohttpTransport
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency))
    return await _httpx_loop(httpx.AsyncClient(transport=AiohttpTransport(client=session), timeout=60), urls,
                             etags, concurrency)


class _TransportClient:
    """httpx Requests handed straight to a transport, as claimcheck's fetcher sends them: no Client, so no URL
    merging, auth, redirect or cookie pass."""

    def __init__(self, transport, timeout: dict) -> None:  # type: ignore[no-untyped-def]
        self.transport = transport
        self.timeout = timeout

    async def __aenter__(self) -> _TransportClient:
        await self.transport.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.transport.aclose()

    async def get(self, url: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
        import httpx
        request = httpx.Request("GET", url, headers=headers, extensions={"timeout": self.timeout})
        response = await self.transport.handle_async_request(request)
        await response.aread()
        await response.aclose()
        return response


async def with_httpx_transport(urls: list[str], etags: dict[str, str], concurrency: int) -> tuple[Counter, dict]:
    """The least an httpx-API client pays per request over aiohttp."""
    import aiohttp
    import httpx
    from httpx_aiohttp import AiohttpTransport
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency), auto_decompress=False)
    client = _TransportClient(AiohttpTransport(client=session), httpx.Timeout(60).as_dict())
    return await _httpx_loop(client, urls, etags, concurrency)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("client", choices=["aiohttp", "httpx", "httpx-aiohttp", "httpx-transport"])
    parser.add_argument("urls")
    parser.add_argument("--conditional")
    parser.add_argument("--save-etags")
    parser.add_argument("--concurrency", type=int, default=128)
    args = parser.parse_args()
    urls = json.load(open(args.urls))
    etags = json.load(open(args.conditional)) if args.conditional else {}
    run = {"aiohttp": with_aiohttp, "httpx": with_httpx, "httpx-aiohttp": with_httpx_aiohttp,
           "httpx-transport": with_httpx_transport}[args.client]
    seen, found = asyncio.run(run(urls, etags, args.concurrency))
    if args.save_etags:
        json.dump(found, open(args.save_etags, "w"))
    print(dict(seen))


if __name__ == "__main__":
    main()
