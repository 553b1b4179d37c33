"""claimcheck's first and second check against urlwatch's first and second run, same server, same run.

    pip install urlwatch   # in any environment; not a claimcheck dependency
    python bench/urlwatch_compare.py --n 5000 [--rounds 3] [--urlwatch /path/to/urlwatch]

urlwatch (GET + store + diff, its default 10 worker threads, reporters off) and claimcheck (fetch + WARC +
extract + match + verdicts, concurrency 128, politeness off) each watch the same N pages of bench/server.py,
timed as separate processes with peak RSS from the OS. urlwatch's second run sends conditional requests too.
The first runs alternate, from an empty cache and store each round (this machine's speed drifts by up to a
third within an hour, so only interleaved runs compare); the medians are printed, and every round.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import yaml
from run import HERE, PYTHON, generate, timed


def urlwatch_files(work: Path, urls: list[str], urlwatch: str) -> list[str]:
    jobs = work / "urls.yaml"
    jobs.write_text("\n---\n".join(f"name: page {i}\nurl: \"{url}\"" for i, url in enumerate(urls)) + "\n")
    config, cache = work / "urlwatch.yaml", work / "urlwatch-cache.db"
    command = [urlwatch, "--urls", str(jobs), "--config", str(config), "--cache", str(cache),
               "--hooks", str(work / "hooks.py")]
    # The first start writes urlwatch's default configuration; then every reporter is turned off.
    empty = work / "empty.yaml"
    empty.write_text("name: none\nurl: \"http://127.0.0.1:9/\"\n")
    subprocess.run([urlwatch, "--urls", str(empty), "--config", str(config), "--cache", str(work / "x.db"),
                    "--hooks", str(work / "hooks.py")], capture_output=True, env={**os.environ, "HOME": str(work)})
    settings = yaml.safe_load(config.read_text())
    for reporter in settings["report"].values():
        if isinstance(reporter, dict) and "enabled" in reporter:
            reporter["enabled"] = False
    config.write_text(yaml.safe_dump(settings))
    return command


def _stored_pages(cache: Path) -> int:
    """How many pages urlwatch's first run kept (a check that it really fetched them)."""
    db = sqlite3.connect(cache)
    try:
        return int(db.execute("select count(*) from CacheEntry where data is not null and data != ''").fetchone()[0])
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--urlwatch", default=shutil.which("urlwatch") or "urlwatch")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved first runs of each")
    args = parser.parse_args()
    ports_file = Path(tempfile.mkdtemp()) / "ports.json"
    server = subprocess.Popen([PYTHON, str(HERE / "server.py"), "--ports-file", str(ports_file)])
    work = Path(tempfile.mkdtemp(prefix="claimcheck-urlwatch-"))
    try:
        deadline = time.monotonic() + 20
        while not ports_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        ports = json.loads(ports_file.read_text())
        claims, urls_file = generate(work, ports, args.n)
        urls = json.loads(urls_file.read_text())
        watch = urlwatch_files(work, urls, args.urlwatch)
        # The server builds each page on its first request: build them all before anything is timed, or the
        # first tool to run pays for it.
        subprocess.run([PYTHON, str(HERE / "baselines.py"), "aiohttp", str(urls_file)], check=True,
                       capture_output=True)
        home = {**os.environ, "HOME": str(work)}
        env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none"}
        check = [PYTHON, "-m", "claimcheck", "--claims", str(claims), "--store", str(work / "store"), "check",
                 "--quiet", "--max-concurrency", "128", "--host-concurrency", "128", "--host-request-interval", "0",
                 "--format", "json", "--output", str(work / "report.json")]
        rounds: list[dict[str, dict[str, float]]] = []
        stored = 0
        for number in range(args.rounds):
            (work / "urlwatch-cache.db").unlink(missing_ok=True)
            shutil.rmtree(work / "store", ignore_errors=True)
            results = {"urlwatch-first": timed(watch, home)}
            if number == 0:
                stored = _stored_pages(work / "urlwatch-cache.db")
                results["urlwatch-second"] = timed(watch, home)
            results["claimcheck-first"] = timed(check, env)
            if number == 0:
                results["claimcheck-second"] = timed(check, env)
            rounds.append(results)
        print(f"N = {args.n}, one host; urlwatch stored {stored} pages on its first run")
        for name in rounds[0]:
            runs = sorted((r[name] for r in rounds if name in r), key=lambda r: r["wall"])
            middle = runs[len(runs) // 2]
            walls = ", ".join(f"{r['wall']:.2f}" for r in (r[name] for r in rounds if name in r))
            print(f"  {name:<18} {middle['wall']:>8.2f} s  peak {middle['peak_mb']:>7.1f} MB   (rounds: {walls} s)")
    finally:
        server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
