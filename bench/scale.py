"""Outgrowing one machine (issue: scale-out): a generated newsroom checked by one process on SQLite, then by
N shard processes on one PostgreSQL server, first check and re-check, politeness on.

    python bench/scale.py [--articles 10000] [--claims 10] [--urls 30000] [--hosts 500] [--interval 0.5]
                          [--shards 4] [--out results.json]

The newsroom is bench/newsroom.py's (every URL cited once, the rest Zipf-like), served by bench/server.py
(one port per host). PostgreSQL is Debian's, started for the run by tests/pgserver.py (as a non-root user
where run as root). For each set-up and pass: wall time against the politeness bound (the busiest host's
requests x the interval), requests per URL, the shortest time between two requests to one host (the
per-host interval, held across shards when shards never share a host) both as the bench server saw them
arrive and as the claimcheck processes sent them (bench/traced.py), each process's wall time and peak memory
(wait4), the index's size, and whether the verdicts of the two set-ups are identical.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from newsroom import generate, server_stats  # noqa: E402
from run import size_of, start_server, timed  # noqa: E402
from traced import client_gaps  # noqa: E402

import pgserver  # noqa: E402

PYTHON = sys.executable


def _verdicts(report: Path) -> dict[str, str]:
    document = json.loads(report.read_text())
    return {f"{c['id']}|{s['source']}": s["verdict"] for c in document["claims"] for s in c["sources"]}


def _claimcheck(work: Path) -> list[str]:
    """claimcheck, with each request's send time logged to work/sends (bench/traced.py)."""
    return [PYTHON, str(HERE / "traced.py"), str(work / "sends")]


def _pass(label: str, ports: list[int], interval: float, run: Any, work: Path) -> dict[str, Any]:
    server_stats(ports[0], reset=True)
    shutil.rmtree(work / "sends", ignore_errors=True)
    (work / "sends").mkdir()
    result = run()
    stats = server_stats(ports[0])
    result["requests"] = stats
    # Measured where the requests leave (the gate's own clock), not only where the bench server's handler ran.
    result["client"] = client_gaps(work / "sends", interval)
    result["politeness_bound_s"] = round(stats["max_per_host"] * interval, 2)
    print(f"  {label}: {json.dumps(result)}", flush=True)
    return result


def single(work: Path, args: argparse.Namespace, ports: list[int], env: dict[str, str]) -> dict[str, Any]:
    store = work / "sqlite"
    cc = [*_claimcheck(work), "--claims", str(work / "articles"), "--store", str(store)]
    results: dict[str, Any] = {}
    for name in ("first", "recheck"):
        report = work / f"sqlite-{name}.json"
        command = [*cc, "check", *args.flags, "--format", "json", "--output", str(report)]
        results[name] = _pass(f"sqlite {name}", ports, args.interval,
                              lambda command=command: {"check": timed(command, env)}, work)
        results[name]["verdicts"] = _verdicts(report)
        results[name]["index_bytes"] = (store / "claimcheck.db").stat().st_size
        results[name]["warc_bytes"] = size_of(store / "warc")
    return results


def sharded(work: Path, args: argparse.Namespace, ports: list[int], env: dict[str, str],
            server: pgserver.Server) -> dict[str, Any]:
    database = server.database("scale")
    archive = work / "pg-archive"
    cc = [*_claimcheck(work), "--claims", str(work / "articles"), "--store", database,
          "--archive", str(archive)]
    fetch_flags = list(args.flags)
    results: dict[str, Any] = {}
    for name in ("first", "recheck"):
        report = work / f"pg-{name}.json"

        def one_pass(report: Path = report) -> dict[str, Any]:
            opened = timed([*cc, "run", "open"], env)
            run_id = opened["out"].strip()
            shards: list[dict[str, Any]] = [{} for _ in range(args.shards)]

            def fetch(k: int) -> None:
                shards[k] = timed([*cc, "fetch", "--run", run_id, "--shard", f"{k}/{args.shards}", *fetch_flags],
                                  env)

            threads = [threading.Thread(target=fetch, args=(k,)) for k in range(args.shards)]
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            fetched_wall = time.perf_counter() - began
            judged = timed([*cc, "check", "--judge-only", "--run", run_id, *args.flags, "--format", "json",
                            "--output", str(report)], env)
            return {"open": opened, "shards": shards, "shards_wall": round(fetched_wall, 3), "judge": judged,
                    "wall": round(opened["wall"] + fetched_wall + judged["wall"], 3)}

        results[name] = _pass(f"postgresql {name}", ports, args.interval, one_pass, work)
        results[name]["verdicts"] = _verdicts(report)
        import psycopg
        with psycopg.connect(database) as conn:
            results[name]["index_bytes"] = conn.execute("select pg_database_size(current_database())").fetchone()[0]
        results[name]["warc_bytes"] = size_of(archive / "warc")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=10, help="claims per article")
    parser.add_argument("--urls", type=int, default=30_000, help="distinct URLs")
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between requests to one host")
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--zipf", type=float, default=1.1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    args.flags = ["--quiet", "--max-concurrency", "128", "--host-concurrency", "1", "--host-request-interval",
                  str(args.interval), "--no-soft404-probe"]
    work = Path(tempfile.mkdtemp(prefix="claimcheck-scale-"))
    http, ports = start_server("--hosts", str(args.hosts), "--slow", "0")
    database_server = pgserver.Server()
    env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none"}
    try:
        shape = generate(work, ports, args.articles, args.claims, args.urls, args.zipf)
        print(f"newsroom: {json.dumps(shape)}; interval {args.interval} s; {args.shards} shards", flush=True)
        one = single(work, args, ports, env)
        many = sharded(work, args, ports, env, database_server)
        results = {"shape": shape, "interval": args.interval, "shards": args.shards, "sqlite": one,
                   "postgresql": many}
        for name in ("first", "recheck"):
            same = one[name]["verdicts"] == many[name]["verdicts"]
            results[f"{name}_verdicts_identical"] = same
            counts: dict[str, int] = {}
            for verdict in one[name]["verdicts"].values():
                counts[verdict] = counts.get(verdict, 0) + 1
            print(f"{name}: verdicts identical: {same} ({len(one[name]['verdicts'])} pairs: {counts})")
            for setup in ("sqlite", "postgresql"):
                del results[setup][name]["verdicts"]  # type: ignore[index]
        if args.out:
            args.out.write_text(json.dumps(results, indent=1))
    finally:
        http.kill()
        database_server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
