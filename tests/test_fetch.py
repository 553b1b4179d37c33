"""The fetcher against hostile or broken servers, and the address guard (SSRF)."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from conftest import Runner, by_source
from world import TLS_CA, Route, Site

from claimcheck.core.errors import BodyTooLarge
from claimcheck.net.fetch import FetchOptions, FetchResult, decode_content, run_fetch
from claimcheck.net.guard import address_refusal, static_resolver

PUBLIC = static_resolver({"news.example.com": ["93.184.216.34"]})


@pytest.mark.parametrize("address, refused", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("172.16.0.1", True), ("192.168.1.1", True),
    ("169.254.169.254", True), ("::1", True), ("fe80::1", True), ("::ffff:127.0.0.1", True), ("224.0.0.1", True),
    ("0.0.0.0", True), ("100.64.0.1", True), ("93.184.216.34", False), ("2606:4700::1111", False),
])
def test_address_policy(address: str, refused: bool) -> None:
    assert (address_refusal(address) is not None) is refused


def test_loopback_is_refused_by_default(site: Site) -> None:
    site.page("/a", "<h1>hi</h1>")
    result = run_fetch([site.url("/a")], FetchOptions())[site.url("/a")]
    assert result.error_kind == "refused-private"
    assert site.requests == []  # refused before a byte was sent


def test_a_public_name_that_resolves_inside_is_refused(site: Site) -> None:
    site.page("/a", "<h1>hi</h1>")
    port = site.server.server_address[1]
    resolver = static_resolver({"innocent.example": ["127.0.0.1"]})
    url = f"http://innocent.example:{port}/a"
    result = run_fetch([url], FetchOptions(), resolver=resolver)[url]
    assert result.error_kind == "refused-private"
    assert "innocent.example resolves to 127.0.0.1" in str(result.error)
    assert site.requests == []


def test_a_redirect_into_the_private_network_is_refused_on_that_hop(site: Site) -> None:
    port = site.server.server_address[1]
    site.page("/secret", "metadata")
    resolver = static_resolver({"public.example": ["127.0.0.1"], "internal.example": ["10.0.0.5"]})
    # allow_private would let the first hop through; the guard is per connection, so test the policy on hop 2
    # by resolving the redirect target to a private address while the first host is the (allowed) loopback.
    site.redirect("/start", "http://internal.example/secret")
    url = f"http://127.0.0.1:{port}/start"
    options = FetchOptions(allow_private=False)
    result = run_fetch([url], options, resolver=resolver)[url]
    assert result.error_kind == "refused-private"  # first hop already refused: loopback
    guarded_second_hop = run_fetch([url], FetchOptions(allow_private=True),
                                   resolver=static_resolver({"internal.example": []}))[url]
    assert guarded_second_hop.error_kind == "dns"
    assert [h.status for h in guarded_second_hop.hops] == [301]


def test_cli_refuses_loopback_without_allow_private(run: Runner) -> None:
    result = run("check", "--format", "json", allow_private=False)
    import json
    doc = json.loads(result.stdout)
    intel = by_source(doc, "intel-2023-packaging")[0]
    assert intel["verdict"] == "blocked"
    assert "--allow-private" in intel["detail"]
    assert result.exit_code == 0  # refused, reported, not an outage


def mock_fetch(handler, url: str = "https://news.example.com/a", **options):  # type: ignore[no-untyped-def]
    return run_fetch([url], FetchOptions(**options), resolver=PUBLIC, transport=httpx.MockTransport(handler))[url]


def test_redirect_loop_is_detected() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        target = "/b" if request.url.path == "/a" else "/a"
        return httpx.Response(301, headers={"Location": target})
    result = mock_fetch(handler)
    assert result.error_kind == "redirect-loop"
    assert "loop" in str(result.error)


def test_redirect_limit() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": f"/{int(request.url.path[1:] or 0) + 1}"})
    result = mock_fetch(handler, "https://news.example.com/0", max_redirects=5)
    assert result.error_kind == "redirect-loop"
    assert len(result.hops) == 6


def test_redirect_to_another_scheme_is_refused() -> None:
    result = mock_fetch(lambda request: httpx.Response(301, headers={"Location": "file:///etc/passwd"}))
    assert result.error_kind == "bad-url"


def test_body_cap_while_streaming() -> None:
    async def endless() -> AsyncIterator[bytes]:
        for _ in range(64):  # 4 MiB, no Content-Length
            yield b"x" * 65536

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())
    result = mock_fetch(handler, max_body=1_000_000)
    assert result.error_kind == "too-large"


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    result = mock_fetch(lambda r: httpx.Response(200, headers={"Content-Length": "999999999"}, content=b"x"),
                        max_body=1_000_000)
    assert result.error_kind == "too-large"


def test_gzip_bomb_costs_almost_nothing() -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    with pytest.raises(BodyTooLarge):
        decode_content(bomb, "gzip", 1_000_000)


def test_deflate_with_and_without_zlib_header() -> None:
    text = b"<p>hello</p>" * 10
    assert decode_content(zlib.compress(text), "deflate", 10_000) == text
    raw = zlib.compressobj(wbits=-15)
    assert decode_content(raw.compress(text) + raw.flush(), "deflate", 10_000) == text


def test_retry_after_is_honoured_once(site: Site) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "0"})
        return httpx.Response(200, content=b"<h1>ok</h1>")
    result = mock_fetch(handler)
    assert result.status == 200 and len(calls) == 2


def test_drip_feeding_server_cannot_hold_the_run(site: Site) -> None:
    site.page("/slow", "<h1>slow</h1>", delay=3.0)
    result = run_fetch([site.url("/slow")], FetchOptions(allow_private=True, total_timeout=0.5))[site.url("/slow")]
    assert result.error_kind == "timeout"
    assert result.elapsed < 2.0


def test_hosts_are_served_side_by_side_not_one_after_another() -> None:
    """Each host keeps its own pace (one request at a time, an interval apart), and hosts interleave: the
    second host's first request does not wait for the first host's last."""
    first, second = Site(), Site()
    try:
        urls = [first.url(f"/a{i}") for i in range(6)] + [second.url(f"/b{i}") for i in range(6)]
        for i in range(6):
            first.page(f"/a{i}", "<h1>a</h1>")
            second.page(f"/b{i}", "<h1>b</h1>")
        arrivals: list[str] = []
        results = run_fetch(urls, FetchOptions(allow_private=True, host_concurrency=1, host_request_interval=0.05),
                            on_done=lambda result: arrivals.append(result.url))
        assert all(r.status == 200 for r in results.values())
        assert arrivals.index(second.url("/b0")) < arrivals.index(first.url("/a5"))
        assert len(first.requests) == len(second.requests) == 6
    finally:
        first.close()
        second.close()


def test_the_interval_runs_from_when_a_request_goes_out_not_from_its_turn() -> None:
    """A host's turn can come while every global slot is busy; its request then goes out late, and the
    host's next request still waits the whole interval after it (found by bench/scale.py: 0.29 s apart at a
    0.5 s interval)."""
    busy, polite = Site(), Site()
    try:
        busy.page("/slow", "<h1>slow</h1>", delay=0.6)
        for i in range(3):
            polite.page(f"/p{i}", "<h1>p</h1>")
        urls = [busy.url("/slow"), *(polite.url(f"/p{i}") for i in range(3))]
        results = run_fetch(urls, FetchOptions(allow_private=True, max_concurrency=1, host_concurrency=1,
                                               host_request_interval=0.4))
        assert all(r.status == 200 for r in results.values())
        gaps = [later - earlier for earlier, later in zip(polite.arrivals, polite.arrivals[1:], strict=False)]
        assert len(gaps) == 2 and min(gaps) >= 0.38, gaps
    finally:
        busy.close()
        polite.close()


def test_a_run_holds_a_bounded_number_of_tasks_and_takes_hosts_in_turn() -> None:
    """A run of many URLs keeps a fixed set of fetch lanes, not a task per URL, and the lanes take the hosts in
    turn: URLs listed host by host still start side by side."""
    import asyncio

    first, second = Site(), Site()
    try:
        for i in range(40):
            first.page(f"/a{i}", "<h1>a</h1>")
            second.page(f"/b{i}", "<h1>b</h1>")
        urls = [first.url(f"/a{i}") for i in range(40)] + [second.url(f"/b{i}") for i in range(40)]
        options = FetchOptions(allow_private=True, max_concurrency=4, host_concurrency=2, host_request_interval=0)
        tasks_seen: list[int] = []
        order: list[str] = []

        def on_done(result: FetchResult) -> None:
            tasks_seen.append(len(asyncio.all_tasks()))
            order.append(result.url)

        results = run_fetch(urls, options, on_done=on_done)
        assert len(results) == 80 and all(r.status == 200 for r in results.values())
        assert max(tasks_seen) <= 2 * options.max_concurrency + 1  # the lanes, and the run itself
        assert {url.split("/")[2] for url in order[:4]} == {first.url("/").split("/")[2], second.url("/").split("/")[2]}
        # Results can go to the callback only, for runs whose memory must not grow with their size.
        assert run_fetch(urls[:3], options, keep_results=False) == {}
    finally:
        first.close()
        second.close()


def test_requests_say_who_is_asking() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"<h1>ok</h1>")
    mock_fetch(handler)
    assert seen[0].headers["user-agent"].startswith("claimcheck/")
    assert seen[0].headers["accept-encoding"] == "gzip, deflate"  # only codings claimcheck decodes under its cap


def test_a_cookie_set_on_a_redirect_is_sent_to_its_target(site: Site) -> None:
    # Consent and bot-check redirects set a cookie and expect it back on the next hop.
    site.routes["/start"] = Route(status=302, etag=False, headers={"Location": "/landing",
                                                                    "Set-Cookie": "consent=yes; Path=/"})
    site.page("/landing", "<h1>Landing</h1>")
    result = run_fetch([site.url("/start")], FetchOptions(allow_private=True))[site.url("/start")]
    assert result.status == 200
    landing = [headers for path, headers in site.requests if path == "/landing"]
    assert landing and landing[0].get("cookie") == "consent=yes"
    assert "cookie" not in dict(site.requests)["/start"]


@pytest.fixture
def tls_site() -> Iterator[Site]:
    server = Site(tls=True)
    yield server
    server.close()


def test_https_is_verified_against_the_certificates_httpx_would_trust(tls_site: Site,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A real TLS server on 127.0.0.1: its certificate is accepted when SSL_CERT_FILE names the CA that signed
    it, as httpx would, and refused (in words, not as the network being down) when nothing trusts it."""
    tls_site.page("/a", "<h1>secure</h1>")
    url = tls_site.url("/a")
    assert url.startswith("https://127.0.0.1:")
    refused = run_fetch([url], FetchOptions(allow_private=True))[url]
    assert refused.status is None and refused.error_kind == "connect"
    assert "TLS certificate of 127.0.0.1 was refused" in str(refused.error)
    assert tls_site.requests == []  # nothing was sent over a connection that was not trusted
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS_CA))
    trusted = run_fetch([url], FetchOptions(allow_private=True))[url]
    assert trusted.error is None and trusted.status == 200 and trusted.final is not None
    assert trusted.final.body == b"<h1>secure</h1>"


def test_a_redirect_from_http_to_https_is_verified_on_its_hop(site: Site, tls_site: Site,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    tls_site.page("/moved", "<h1>here now</h1>")
    site.redirect("/old", tls_site.url("/moved"))
    url = site.url("/old")
    refused = run_fetch([url], FetchOptions(allow_private=True))[url]
    assert [hop.status for hop in refused.hops] == [301] and "TLS certificate" in str(refused.error)
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS_CA))
    followed = run_fetch([url], FetchOptions(allow_private=True))[url]
    assert [hop.status for hop in followed.hops] == [301, 200] and followed.final_url == tls_site.url("/moved")


def test_the_ca_bundle_is_loaded_once_and_only_for_https(site: Site, tls_site: Site,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from claimcheck.net import session

    loaded: list[int] = []
    real = session.ssl_context

    def counted() -> object:
        loaded.append(1)
        return real()

    monkeypatch.setattr(session, "ssl_context", counted)
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS_CA))
    site.page("/a", "<p>a</p>")
    site.page("/b", "<p>b</p>")
    plain = run_fetch([site.url("/a"), site.url("/b")], FetchOptions(allow_private=True))
    assert [r.status for r in plain.values()] == [200, 200] and loaded == []
    tls_site.page("/c", "<p>c</p>")
    tls_site.page("/d", "<p>d</p>")
    secure = run_fetch([tls_site.url("/c"), tls_site.url("/d"), site.url("/a")], FetchOptions(allow_private=True))
    assert [r.status for r in secure.values()] == [200, 200, 200] and loaded == [1]
