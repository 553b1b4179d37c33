"""claimcheck with the moment each request went out logged, for the benchmarks' politeness measure (bench only):

    python bench/traced.py LOG_DIR [claimcheck arguments...]

Runs claimcheck as `python -m claimcheck` would, and at exit writes LOG_DIR/sends-PID.json: for each request,
when its headers were written (`Fetcher._sent`, the moment the per-host gate spaces requests from; only
called when an interval is set) and its host. Times are CLOCK_MONOTONIC, one clock for every process of the
machine, so the gaps between two requests to one host can be measured on the client's side across shard
processes, free of the bench server's own scheduling (its arrival times on a loaded machine are late by
however long its event loop was busy).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import time
from pathlib import Path

def client_gaps(log_dir: Path, interval: float) -> dict[str, object]:
    """From every process's log: requests logged, the shortest gap between two sends to one host, how many
    gaps were under the interval, and the hosts sent to by more than one process (shards must never share)."""
    by_host: dict[str, list[float]] = {}
    senders: dict[str, set[str]] = {}
    for log in sorted(log_dir.glob("sends-*.json")):
        for at, host in json.loads(log.read_text()):
            by_host.setdefault(host, []).append(at)
            senders.setdefault(host, set()).add(log.name)
    gaps = [b - a for times in map(sorted, by_host.values()) for a, b in zip(times, times[1:], strict=False)]
    return {"sends": sum(len(times) for times in by_host.values()),
            "min_gap_s": round(min(gaps), 4) if gaps else None,
            "gaps_under_interval": sum(gap < interval for gap in gaps),
            "hosts_sent_to_by_several_processes": sum(len(names) > 1 for names in senders.values())}


def _traced(log_dir: Path) -> None:
    """Log each request's send from here on, and write the log at exit."""
    from claimcheck.core.urls import host_key
    from claimcheck.net import fetch

    sends: list[tuple[float, str]] = []
    original = fetch.Fetcher._sent

    def sent(self: fetch.Fetcher, url: str) -> None:
        sends.append((time.monotonic(), host_key(url)))
        original(self, url)

    fetch.Fetcher._sent = sent  # type: ignore[method-assign]

    @atexit.register
    def save() -> None:
        if sends:
            (log_dir / f"sends-{os.getpid()}.json").write_text(json.dumps(sends))


if __name__ == "__main__":
    _traced(Path(sys.argv.pop(1)))
    from claimcheck.cli.entry import main

    sys.argv[0] = "claimcheck"
    main()
