"""The benchmark's local world: H hosts (one port each) serving N article pages of 30-60 KB with ETags.

    python bench/server.py --hosts 4 --slow 0.02 --slow-delay 0.5 --latency 0 --ports-file ports.json

Page i lives at http://127.0.0.1:PORT_(i mod H)/news/article-i.html; it holds the sentence
"Evidence sentence number i is present." so claims can be checked against it. Pages, ETags and slowness
are deterministic in i. Conditional requests get 304. Runs until killed. /__stats counts the article
requests served (in all, per URL at most, per host at most) and the shortest time between two requests'
arrivals at one host; /__reset starts the count again.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random

from aiohttp import web

WORDS = ("chiplet packaging interposer substrate bandwidth memory thermal yield foundry wafer bridge stack die "
         "assembly capacity accelerator interconnect power delivery test").split()


def page(i: int) -> bytes:
    rng = random.Random(i)
    size = rng.randint(30_000, 60_000)
    paragraphs = []
    total = 0
    while total < size:
        text = " ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "."
        paragraphs.append(f"<p>{text}</p>")
        total += len(text) + 7
    paragraphs.insert(3, f"<p>Evidence sentence number {i} is present in this release.</p>")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Article {i}</title>"
            f"<meta property='article:published_time' content='2025-11-{1 + i % 28:02d}T08:00:00Z'></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news/'>News</a></nav><article><h1>Article {i}</h1>"
            f"<p>Nov {1 + i % 28}, 2025</p>{''.join(paragraphs)}</article><footer>© 2025 Bench</footer>"
            "</body></html>").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=1)
    parser.add_argument("--slow", type=float, default=0.02, help="fraction of slow pages")
    parser.add_argument("--slow-delay", type=float, default=0.5)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--ports-file", required=True)
    args = parser.parse_args()
    cache: dict[int, tuple[bytes, str]] = {}

    def body_of(i: int) -> tuple[bytes, str]:
        if i not in cache:
            data = page(i)
            cache[i] = (data, '"' + hashlib.sha1(data).hexdigest()[:20] + '"')
        return cache[i]

    served: dict[str, int] = {}  # "host:port/path" -> requests, for /__stats
    last_arrival: dict[str, float] = {}  # host -> when its last request arrived
    min_gap: dict[str, float] = {}  # host -> the shortest time between two of its requests' arrivals

    async def stats(request: web.Request) -> web.Response:
        per_host: dict[str, int] = {}
        for key, count in served.items():
            host = key.split("/", 1)[0]
            per_host[host] = per_host.get(host, 0) + count
        return web.json_response({"requests": sum(served.values()), "urls": len(served),
                                  "max_per_url": max(served.values(), default=0),
                                  "max_per_host": max(per_host.values(), default=0),
                                  "min_host_gap_s": round(min(min_gap.values(), default=-1), 4)})

    async def reset(request: web.Request) -> web.Response:
        served.clear()
        last_arrival.clear()
        min_gap.clear()
        return web.json_response({"reset": True})

    async def article(request: web.Request) -> web.Response:
        key = f"{request.host}{request.path}"
        served[key] = served.get(key, 0) + 1
        now = asyncio.get_running_loop().time()
        if request.host in last_arrival:
            gap = now - last_arrival[request.host]
            min_gap[request.host] = min(gap, min_gap.get(request.host, gap))
        last_arrival[request.host] = now
        i = int(request.match_info["i"])
        data, etag = body_of(i)
        delay = args.latency + (args.slow_delay if random.Random(i * 7919).random() < args.slow else 0)
        if delay:
            await asyncio.sleep(delay)
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=data, content_type="text/html", charset="utf-8", headers={"ETag": etag})

    async def not_found(request: web.Request) -> web.Response:
        return web.Response(status=404, text="<h1>Not Found</h1>", content_type="text/html")

    async def serve() -> None:
        app = web.Application()
        app.router.add_get("/news/article-{i:\\d+}.html", article)
        app.router.add_get("/__stats", stats)
        app.router.add_get("/__reset", reset)
        app.router.add_get("/{tail:.*}", not_found)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        ports = []
        for _ in range(args.hosts):
            site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
            await site.start()
            ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        with open(args.ports_file, "w") as out:
            json.dump(ports, out)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
