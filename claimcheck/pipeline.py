"""The library API: fetch and archive sources, then check every claim. The CLI is a thin layer over this.

    claims.yaml ─▶ capture (fetch, WARC, extract, classify, index) ─▶ judge ─▶ findings ─▶ report
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from claimcheck.capture.mementos import suggest_mementos
from claimcheck.capture.stage import FetchOutcome, capture_sources
from claimcheck.claims.load import ClaimsFile
from claimcheck.core.errors import Interrupted, RunNotOpen
from claimcheck.core.verdicts import Verdict, present
from claimcheck.judge.stage import judge_in_chunks, set_initial_baselines
from claimcheck.settings import RunSettings
from claimcheck.store import Store
from claimcheck.store.rows import FindingRow


@dataclass
class CheckOutcome:
    run_id: int
    network_down: bool
    offline: bool
    findings: list[FindingRow]  # empty when the run was asked not to keep them (`keep_findings=False`)
    summary: dict[str, int] = field(default_factory=dict)  # verdict -> number of (claim, source) pairs

    @property
    def verdicts(self) -> list[Verdict]:
        return [Verdict(f["verdict"]) for f in self.findings]

    @property
    def verdicts_seen(self) -> list[Verdict]:
        """Each verdict the run gave at least once (kept or not)."""
        return present(self.summary)


def _settings_record(settings: RunSettings) -> dict[str, Any]:
    return {"offline": settings.offline, "fetch": asdict(settings.fetch), "policy": asdict(settings.policy)}


@contextmanager
def _marked_if_interrupted(store: Store, run_id: int) -> Iterator[None]:
    """A stop signal ends the run as 'interrupted' (its open transaction has rolled back by then): nothing of
    it is indexed, and `report` says so instead of rendering it."""
    try:
        yield
    except Interrupted as stop:
        store.runs.finish(run_id, "interrupted", "", {"interrupted_by": stop.name})
        stop.run_id = run_id
        raise


def fetch_sources(claims: ClaimsFile, store: Store, settings: RunSettings | None = None) -> FetchOutcome:
    """`claimcheck fetch`: capture and archive every source, judge nothing."""
    settings = settings or RunSettings()
    with store.write_errors(), store.locked(settings.lock_wait):
        run_id = store.runs.start("fetch", str(claims.path), _settings_record(settings))
        with _marked_if_interrupted(store, run_id):
            store.captures.sync_sources(claims.source_rows())
            outcome = capture_sources(claims, store, settings, run_id=run_id)
        store.runs.finish(run_id, "network-down" if outcome.network_down else "complete",
                         "down" if outcome.network_down else "ok", {"fetched": outcome.fetched})
        return outcome


def check_claims(claims: ClaimsFile, store: Store, settings: RunSettings | None = None, *,
                 keep_findings: bool = True) -> CheckOutcome:
    """`claimcheck check`: fetch (unless offline), then give every (claim, source) pair a verdict.

    Findings go to the store a chunk at a time as they are judged; with `keep_findings=False` the outcome
    carries only their counts (the CLI reads them back for the report), so memory does not grow with them."""
    settings = settings or RunSettings()
    with store.write_errors(), store.locked(settings.lock_wait):
        run_id = _opened(claims, store, settings, status="running")
        with _marked_if_interrupted(store, run_id):
            network_down = False
            if not settings.offline:
                network_down = capture_sources(claims, store, settings, run_id=run_id).network_down
            return _judged(claims, store, settings, run_id, network_down, keep_findings=keep_findings)


def _opened(claims: ClaimsFile, store: Store, settings: RunSettings, *, status: str) -> int:
    run_id = store.runs.start("check", str(claims.path), _settings_record(settings), status=status)
    store.runs.add_articles(run_id, [(info.label, str(info.file), info.title) for info in claims.article_infos()])
    store.captures.sync_sources(claims.source_rows())
    return run_id


def _judged(claims: ClaimsFile, store: Store, settings: RunSettings, run_id: int, network_down: bool, *,
            keep_findings: bool) -> CheckOutcome:
    online = not (settings.offline or network_down)
    summary = {v.value: 0 for v in Verdict}
    # One transaction: a run's initial baselines and findings appear together or not at all, as its
    # captures do. (No other writer waits on it: they all take the store's lock, held for the run.)
    with store.transaction():
        set_initial_baselines(claims, store)
        for findings in judge_in_chunks(claims, store, settings, network_down=network_down, run_id=run_id):
            suggest_mementos(claims, store, settings, findings, online=online)
            store.findings.add(run_id, findings)
            for finding in findings:
                summary[finding["verdict"]] += 1
    network = "offline" if settings.offline else "down" if network_down else "ok"
    store.runs.finish(run_id, "network-down" if network_down else "complete", network, summary)
    return CheckOutcome(run_id, network_down, settings.offline,
                        store.findings.of_run(run_id) if keep_findings else [], summary)


# -- a run fetched in shards -----------------------------------------------------------------------------
# Opened once, fetched by N processes at once (each the URLs of its hosts: `capture_sources(shard=...)`),
# judged once after all of them have finished. PostgreSQL lets the shards write together; on SQLite they
# take the store's lock in turn.

def open_run(claims: ClaimsFile, store: Store, settings: RunSettings | None = None) -> int:
    """`claimcheck run open`: a check run its shards fetch into and `judge_run` judges."""
    settings = settings or RunSettings()
    with store.write_errors(), store.locked(settings.lock_wait):
        return _opened(claims, store, settings, status="open")


def _open_run(store: Store, run_id: int) -> dict[str, Any]:
    run = store.runs.get(run_id)
    if run["status"] != "open":
        raise RunNotOpen(f"run {run_id} is not open for shards (it is {run['status']}); "
                         "open one with `claimcheck run open`")
    return run


def fetch_shard(claims: ClaimsFile, store: Store, settings: RunSettings, *, run_id: int, shard: int,
                shards: int) -> FetchOutcome:
    """`claimcheck fetch --run N --shard K/N`: capture the URLs of shard K's hosts into run N."""
    with store.write_errors(), store.locked(settings.lock_wait, shard=(run_id, shard)):
        _open_run(store, run_id)
        known = {row["shards"] for row in store.runs.shards(run_id)}
        if known and known != {shards}:
            raise RunNotOpen(f"run {run_id} is fetched in {known.pop()} shards, not {shards}")
        store.runs.shard_started(run_id, shard, shards)
        try:
            outcome = capture_sources(claims, store, settings, run_id=run_id, shard=(shard, shards))
        except Interrupted as stop:
            # Nothing of it was indexed; run it again alone (what finished shards fetched is not fetched again).
            store.runs.shard_finished(run_id, shard, "interrupted", 0, "")
            stop.run_id = run_id
            raise
        down = outcome.network_down
        store.runs.shard_finished(run_id, shard, "network-down" if down else "complete", outcome.fetched,
                                  "down" if down else "ok")
        return outcome


def judge_run(claims: ClaimsFile, store: Store, settings: RunSettings | None = None, *, run_id: int,
              keep_findings: bool = True) -> CheckOutcome:
    """`claimcheck check --judge-only --run N`: judge a run whose shards have all finished. A shard that
    found the network down makes the whole run network-down: nothing is flagged on half a picture."""
    settings = settings or RunSettings()
    with store.write_errors(), store.locked(settings.lock_wait):
        _open_run(store, run_id)
        shards = store.runs.shards(run_id)
        count = shards[0]["shards"] if shards else 0
        finished = {row["shard"] for row in shards if row["status"] in ("complete", "network-down")}
        missing = [k for k in range(count) if k not in finished]
        if not shards or missing:
            what = ", ".join(map(str, missing)) if shards else "any"
            raise RunNotOpen(f"run {run_id} cannot be judged yet: shard{'s' if len(missing) != 1 else ''} {what} "
                             f"of {count or 'N'} {'have' if len(missing) != 1 else 'has'} not finished "
                             f"(`claimcheck run status {run_id}`)")
        store.runs.set_status(run_id, "running")
        network_down = any(row["status"] == "network-down" for row in shards)
        try:
            return _judged(claims, store, settings, run_id, network_down, keep_findings=keep_findings)
        except BaseException as stop:
            # Judging wrote nothing (one transaction) and the shards' captures stand: the run is open again,
            # to be judged by the same command, rather than lost with what its shards fetched.
            store.runs.set_status(run_id, "open")
            if isinstance(stop, Interrupted):
                stop.run_id = run_id
            raise


__all__ = ["RunSettings", "CheckOutcome", "FetchOutcome", "check_claims", "fetch_sources", "fetch_shard",
           "judge_run", "open_run"]
