"""A check run fetched by several processes (`run open`, `fetch --shard K/N`, `check --judge-only --run N`):
real processes at once on a real PostgreSQL server, in turn on SQLite; the same verdicts as one process; each
URL requested once; a shard that dies is run again alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import WORLD_PATHS, Runner, stop_judging_at
from world import Site, write_claims

from claimcheck.core.urls import shard_of

SHARDS = 3
NOW = "2026-11-25T12:00:00Z"


@pytest.fixture
def sites() -> Iterator[list[Site]]:
    """Four or more hosts (ports), each serving every page of the world: sources are spread over them, and
    the hosts over at least two shards (ports are random: four could all hash to one shard)."""
    servers = [Site() for _ in range(4)]
    while len({shard_of(server.url("/"), SHARDS) for server in servers}) < 2:
        servers.append(Site())
    other = next(server for server in servers if shard_of(server.url("/"), SHARDS) != shard_of(servers[0].url("/"),
                                                                                                SHARDS))
    servers.remove(other)
    servers.insert(1, other)  # the first two hosts, which get sources first, are in different shards
    for server in servers:
        for path, fixture in WORLD_PATHS.values():
            server.fixture(path, fixture)
    yield servers
    for server in servers:
        server.close()


def _claims(tmp_path: Path, sites: list[Site]) -> Path:
    overrides = {source: {"url": sites[number % len(sites)].url(path)}
                 for number, (source, (path, _)) in enumerate(WORLD_PATHS.items())}
    return write_claims(tmp_path, sites[0], overrides=overrides)


def _command(run: Runner, *args: str) -> list[str]:
    return [sys.executable, "-m", "claimcheck", "--claims", str(run.claims), *run.store_options, *args]


def _env() -> dict[str, str]:
    return {**os.environ, "CLAIMCHECK_NOW": NOW, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none"}


def _fetch_shard(run: Runner, run_id: str, k: int, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(_command(run, "fetch", "--run", run_id, "--shard", f"{k}/{SHARDS}",
                                     "--host-request-interval", "0", "--wait", "60"),
                            env=_env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]


def _verdicts(document: dict[str, object]) -> dict[tuple[str, str], tuple[str, str]]:
    return {(c["id"], s["source"]): (s["verdict"], s["detail"])  # type: ignore[index]
            for c in document["claims"] for s in c["sources"]}  # type: ignore[attr-defined]


# parallel "1": each shard writes its WARC records in a process of its own, as shards of 24 URLs or more do.
@pytest.mark.parametrize("backend,parallel", [("sqlite", ""), ("postgresql", ""), ("postgresql", "1")])
def test_a_run_fetched_in_shards_gives_the_verdicts_of_one_process(tmp_path: Path, sites: list[Site],
                                                                   database: str | None, parallel: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMCHECK_PARALLEL_FROM", parallel)
    claims = _claims(tmp_path, sites)
    urls = [sites[n % len(sites)].url(path) for n, (path, _) in enumerate(WORLD_PATHS.values())]
    assert len({shard_of(url, SHARDS) for url in urls}) > 1  # the work is really split
    single = Runner(claims, tmp_path / "single")
    _, expected = single.json(now=NOW)
    for server in sites:
        server.requests.clear()

    sharded = Runner(claims, tmp_path / "sharded", database)
    opened = sharded("run", "open")
    assert opened.exit_code == 0, opened.output
    run_id = opened.stdout.strip()
    assert run_id == "1"
    early = sharded("check", "--judge-only", "--run", run_id)
    assert early.exit_code == 2 and "cannot be judged yet" in early.stderr
    processes = [_fetch_shard(sharded, run_id, k) for k in range(SHARDS)]  # at once
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    status = sharded("run", "status", run_id).stdout
    assert status.count(": complete") == SHARDS, status
    judged = sharded("check", "--judge-only", "--run", run_id, "--format", "json", now=NOW)
    assert judged.exit_code == 0, judged.stderr
    document = json.loads(judged.stdout)
    assert _verdicts(document) == _verdicts(expected)
    assert document["summary"] == expected["summary"]
    # Each URL requested once in the run, by the shard of its host (soft-404 probes aside: made-up paths).
    requested = [site.url(path) for site in sites for path, _ in site.requests if path in site.routes]
    assert sorted(requested) == sorted(set(urls))
    # A finished shard run again fetches nothing; a judged run takes no more shards.
    again = sharded("check", "--judge-only", "--run", run_id)
    assert again.exit_code == 2 and "not open" in again.stderr
    late = subprocess.run(_command(sharded, "fetch", "--run", run_id, "--shard", f"0/{SHARDS}"), env=_env(),
                          text=True, capture_output=True)
    assert late.returncode == 2 and "not open" in late.stderr


def test_a_shard_that_dies_is_run_again_alone(tmp_path: Path, sites: list[Site], pg_server) -> None:  # type: ignore[no-untyped-def]
    claims = _claims(tmp_path, sites)
    run = Runner(claims, tmp_path / "archive", pg_server.database())
    run_id = run("run", "open").stdout.strip()
    by_shard: dict[int, list[tuple[Site, str]]] = {}
    for n, (path, _) in enumerate(WORLD_PATHS.values()):
        site = sites[n % len(sites)]
        by_shard.setdefault(shard_of(site.url(path), SHARDS), []).append((site, path))
    doomed = next(k for k in range(SHARDS) if by_shard.get(k))
    slow_site, slow_path = by_shard[doomed][0]
    slow_site.routes[slow_path].delay = 30  # the shard is killed while it waits
    for k in range(SHARDS):
        if k != doomed:
            finished = _fetch_shard(run, run_id, k)
            assert finished.wait(120) == 0
    victim = _fetch_shard(run, run_id, doomed, start_new_session=True)
    deadline = time.monotonic() + 30
    while not any(path == slow_path for path, _ in slow_site.requests) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(victim.pid, signal.SIGKILL)  # no chance to say anything: as an evicted pod
    victim.wait()
    status = run("run", "status", run_id).stdout
    assert f"shard {doomed}/{SHARDS}: running" in status
    refused = run("check", "--judge-only", "--run", run_id)
    assert refused.exit_code == 2 and f"shard {doomed} of {SHARDS} has not finished" in refused.stderr
    slow_site.routes[slow_path].delay = 0
    for site in sites:
        site.requests.clear()
    rerun = _fetch_shard(run, run_id, doomed)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    # Only the dead shard's URLs were asked again.
    asked = {(site.url(path)) for site in sites for path, _ in site.requests if path in site.routes}
    assert asked == {site.url(path) for site, path in by_shard[doomed]}
    judged = run("check", "--judge-only", "--run", run_id, "--format", "json", now=NOW)
    assert judged.exit_code == 0, judged.stderr
    assert {s["verdict"] for c in json.loads(judged.stdout)["claims"] for s in c["sources"]} <= {
        "verified", "unchecked"}


def test_a_judging_that_dies_leaves_the_run_open_to_judge_again(tmp_path: Path, sites: list[Site],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Judging is one transaction: stopped half-way it writes nothing, and the run is open again, so the same
    command judges it from what its shards fetched, without fetching again."""
    from claimcheck.judge import stage as judge

    run = Runner(_claims(tmp_path, sites), tmp_path / "store")
    run_id = run("run", "open").stdout.strip()
    assert run("fetch", "--run", run_id, "--shard", "0/1").exit_code == 0
    judged = judge._judged_cite
    calls = stop_judging_at(monkeypatch, 3)
    stopped = run("check", "--judge-only", "--run", run_id)  # click turns the Ctrl-C into "Aborted!"
    assert stopped.exit_code != 0 and calls == [3]
    assert run.sql("select count(*) from findings") == [(0,)]
    assert "open" in run("run", "status", run_id).stdout
    monkeypatch.setattr(judge, "_judged_cite", judged)
    for site in sites:
        site.requests.clear()
    again = run("check", "--judge-only", "--run", run_id, "--format", "json", now=NOW)
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["run"]["status"] == "complete"
    assert not any(site.requests for site in sites)  # judged from what was fetched: nothing asked again
