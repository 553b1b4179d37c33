"""Hostile servers, interrupted runs, full disks: each ends as a clear verdict or error, nothing is lost."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from conftest import WORLD_PATHS, Runner, by_source, write_claims
from faults import FaultServer
from world import Site

FAULTS = {
    "reset": ("/reset", "unreachable", "ServerDisconnected|RemoteProtocolError|ReadError|ConnectError|reset|closed"),
    "hang": ("/hang", "unreachable", "no complete answer|timed out"),
    "drip": ("/drip", "unreachable", "no complete answer|timed out"),
    "endless": ("/endless", "unreachable", "over the .* byte cap"),
    "bomb": ("/bomb", "unreachable", "decompresses to more than"),
    # A URL that never once worked and says the URL is wrong is an error from its first check.
    "loop": ("/loop-a", "gone", "redirect loop.*has never worked.*typo"),
    "empty": ("/empty", "unreachable", "unreadable body: the body is empty"),
    "binary": ("/binary", "unreachable", "unreadable body: the body is binary"),
    "bad-pdf": ("/bad.pdf", "unreachable", "malformed PDF"),
    "truncated": ("/truncated", "unreachable", "RemoteProtocolError|incomplete|not completed|closed|peer"),
    "latin1": ("/latin1", "verified", "no evidence passage"),
    "ok": ("/ok", "verified", "evidence found"),
}


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    server = FaultServer()
    yield server
    server.close()


def fault_claims(directory: Path, server: FaultServer) -> Path:
    article = "Chiplets need advanced packaging capacity."
    (directory / "article.txt").write_text(article)
    data = {
        "article": {"title": "Faults", "path": "article.txt"},
        "sources": {name: {"publisher": "P", "title": name, "url": server.url(path)}
                    for name, (path, _, _) in FAULTS.items()},
        "claims": [{"id": f"claim-{name}", "text": article,
                    "cites": [{"source": name, "evidence": "chiplets need advanced packaging capacity"}
                              if name == "ok" else name]} for name in FAULTS],
    }
    path = directory / "claims.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_every_fault_ends_as_a_verdict_with_its_reason(tmp_path: Path, faults: FaultServer) -> None:
    runner = Runner(fault_claims(tmp_path, faults), tmp_path / "store")
    began = time.monotonic()
    result = runner("check", "--format", "json", "--timeout", "2", "--max-body", "2000000",
                    "--max-concurrency", "16", "--host-concurrency", "16")
    elapsed = time.monotonic() - began
    assert result.exit_code == 1, result.output  # the redirect loop
    doc = json.loads(result.stdout)
    for name, (_, verdict, reason) in FAULTS.items():
        found = by_source(doc, name)[0]
        assert found["verdict"] == verdict, (name, found)
        import re
        assert re.search(reason, found["detail"]), (name, found["detail"])
    assert elapsed < 20  # nothing held the run: every request is bounded by --timeout


def test_wrong_charset_label_is_sniffed(tmp_path: Path, faults: FaultServer) -> None:
    runner = Runner(fault_claims(tmp_path, faults), tmp_path / "store")
    runner("check", "--timeout", "2", "--max-body", "2000000")
    db = sqlite3.connect(tmp_path / "store" / "claimcheck.db")
    titles = [row[0] for row in db.execute("select title from extractions")]
    assert "Café à Köln" in titles


def test_ssrf_through_a_redirect_hop(tmp_path: Path, site: Site) -> None:
    """A public page that redirects to a private address is refused on that hop."""
    from claimcheck.net.fetch import FetchOptions, Fetcher
    from claimcheck.net.guard import static_resolver
    import asyncio

    port = site.server.server_address[1]
    site.page("/public", "<h1>public page</h1>")
    site.redirect("/go-inside", "http://metadata.internal/latest/meta-data/")

    resolver = static_resolver({"public.example": ["93.184.216.34"], "metadata.internal": ["169.254.169.254"]})
    # The 'public' address is really reached on the local site: a stand-in for the internet.
    fetcher = Fetcher(FetchOptions(), resolver=resolver,
                      route=lambda address: "127.0.0.1" if address == "93.184.216.34" else address)
    results = asyncio.run(fetcher.fetch_all([f"http://public.example:{port}/public",
                                             f"http://public.example:{port}/go-inside"]))
    assert results[f"http://public.example:{port}/public"].status == 200
    inside = results[f"http://public.example:{port}/go-inside"]
    assert inside.error_kind == "refused-private"
    assert "169.254.169.254" in str(inside.error)
    assert [hop.status for hop in inside.hops] == [301]


def _store_is_consistent(store: Path) -> None:
    db = sqlite3.connect(store / "claimcheck.db")
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    referenced = {row[0] for row in db.execute("select warc_file from captures union select warc_file from payloads")}
    for name in referenced:
        assert (store / "warc" / name).is_file(), f"the index points to a missing WARC {name}"
    complete = sorted((store / "warc").glob("*.warc.gz"))
    if complete:
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, complete)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def _processes_naming(text: str) -> list[int]:
    """Processes whose command line names `text` (a store's path: the WARC writer's names its file)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


# The last two with CLAIMCHECK_PARALLEL_FROM=1: the WARC records are written by a process of the run's own.
@pytest.mark.parametrize("kill_after,parallel", [(0.3, ""), (0.9, ""), (1.6, ""), (0.9, "1"), (1.6, "1")])
def test_kill_minus_nine_leaves_a_consistent_store(tmp_path: Path, world: Site, kill_after: float,
                                                   parallel: str) -> None:
    claims = write_claims(tmp_path, world)
    store = tmp_path / "store"
    Runner(claims, store)("check")  # a first complete run: its data must survive what follows
    for path, _ in WORLD_PATHS.values():
        world.routes[path].delay = 0.4  # slow pages: the kill lands mid-run
        world.routes[path].etag = False
    env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_NOW": "2026-11-26T12:00:00Z",
           "CLAIMCHECK_PARALLEL_FROM": parallel}
    command = [sys.executable, "-m", "claimcheck", "--claims", str(claims), "--store", str(store), "check",
               "--host-request-interval", "0.2", "--host-concurrency", "1", "--quiet"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(kill_after)
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while _processes_naming(str(store / "warc")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _processes_naming(str(store / "warc")), "a WARC writer outlived its run"
    _store_is_consistent(store)
    for path, _ in WORLD_PATHS.values():
        world.routes[path].delay = 0
    result = Runner(claims, store)("check", "--format", "json", now="2026-11-27T12:00:00Z")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["verified"] == 10
    _store_is_consistent(store)
    db = sqlite3.connect(store / "claimcheck.db")
    statuses = [row[0] for row in db.execute("select status from runs order by id")]
    assert statuses[0] == "complete" and statuses[-1] == "complete"
    assert "running" not in statuses


@pytest.mark.parametrize("parallel", ["", "1"])  # "1": the WARC writer is a process of its own; it hits the limit
def test_a_full_disk_fails_loudly_and_keeps_what_was_there(tmp_path: Path, world: Site, parallel: str) -> None:
    claims = write_claims(tmp_path, world)
    store = tmp_path / "store"
    Runner(claims, store)("check")
    before = {p.name: p.read_bytes() for p in (store / "warc").iterdir()}
    for route in world.routes.values():
        route.body = route.body + b"<!-- " + os.urandom(200_000).hex().encode() + b" -->"  # new, larger payloads
        route.etag = False
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))\n"
        "from claimcheck.cli.main import cli\n"
        "sys.exit(cli())\n")
    env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_NOW": "2026-11-26T12:00:00Z",
           "CLAIMCHECK_PARALLEL_FROM": parallel}
    result = subprocess.run([sys.executable, "-c", script, "--claims", str(claims), "--store", str(store), "check",
                             "--host-request-interval", "0", "--quiet"], env=env, capture_output=True, text=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot write to the store" in result.stderr
    assert "Traceback" not in result.stderr
    for name, data in before.items():
        assert (store / "warc" / name).read_bytes() == data
    _store_is_consistent(store)
    assert Runner(claims, store)("report").exit_code == 0  # the last complete check still renders


def test_two_overlapping_runs_never_write_at_once(tmp_path: Path, world: Site) -> None:
    claims = write_claims(tmp_path, world)
    store = tmp_path / "store"
    for path, _ in WORLD_PATHS.values():
        world.routes[path].delay = 0.5
    env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1"}
    command = [sys.executable, "-m", "claimcheck", "--claims", str(claims), "--store", str(store), "check",
               "--host-request-interval", "0", "--quiet"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while not (store / "claimcheck.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    second = subprocess.run(command, env=env, capture_output=True, text=True)
    assert second.returncode == 2
    assert "another claimcheck run is writing" in second.stderr
    waiting = subprocess.run([*command, "--wait", "30"], env=env, capture_output=True, text=True)
    assert first.wait() == 0
    assert waiting.returncode == 0, waiting.stderr
    _store_is_consistent(store)



def test_runs_started_together_on_a_new_store_queue_instead_of_crashing(tmp_path: Path, world: Site) -> None:
    """Six schedulers start `fetch --wait` at the same moment on a store that does not exist yet: each waits
    its turn (schema, then the run's lock), none dies with "database is locked", and nothing is lost."""
    claims = write_claims(tmp_path, world)
    store = tmp_path / "new-store"
    env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none",
           "CLAIMCHECK_NOW": "2026-11-26T12:00:00Z"}
    command = [sys.executable, "-m", "claimcheck", "--claims", str(claims), "--store", str(store), "fetch",
               "--wait", "120", "--quiet", "--host-request-interval", "0"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(6)]
    results = [(p.wait(timeout=180), p.stderr.read() if p.stderr else "") for p in processes]
    for code, stderr in results:
        assert code in (0, 2, 3), stderr
        assert "Traceback" not in stderr and "database is locked" not in stderr, stderr
    assert [code for code, _ in results].count(0) == 6  # --wait: every one queued and ran
    _store_is_consistent(store)
    db = sqlite3.connect(store / "claimcheck.db")
    assert [row[0] for row in db.execute("select status from runs")] == ["complete"] * 6
