"""Politeness without waste: N sources on H hosts should finish close to the bound the busiest host sets.

    python bench/politeness.py [--interval 0.05]

Four hosts with 100, 50, 30 and 20 sources, --host-concurrency 1 and --host-request-interval INTERVAL.
The busiest host alone needs 100 x INTERVAL seconds; taking hosts one after another would need 200 x INTERVAL.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interval", type=float, default=0.05)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="claimcheck-polite-"))
    server = subprocess.Popen([sys.executable, str(HERE / "server.py"), "--hosts", "4", "--slow", "0",
                               "--ports-file", str(work / "ports.json")])
    try:
        while not (work / "ports.json").exists():
            time.sleep(0.1)
        ports = json.loads((work / "ports.json").read_text())
        counts = [100, 50, 30, 20]
        lines = ["sources:"]
        i = 0
        for port, count in zip(ports, counts, strict=False):
            for _ in range(count):
                lines += [f"  s{i}:", "    publisher: P", f"    title: T{i}",
                          f"    url: http://127.0.0.1:{port}/news/article-{i}.html"]
                i += 1
        lines += ["claims:", "  - id: c", "    text: t", "    cites: [s0]"]
        (work / "claims.yaml").write_text("\n".join(lines) + "\n")
        env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none"}
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "claimcheck", "--claims", str(work / "claims.yaml"), "--store",
                        str(work / "store"), "fetch", "--quiet", "--host-concurrency", "1",
                        "--host-request-interval", str(args.interval), "--no-soft404-probe"], env=env, check=True)
        wall = time.perf_counter() - began
        bound = max(counts) * args.interval
        print(f"{sum(counts)} sources on {len(counts)} hosts {counts}, interval {args.interval} s, "
              "one at a time per host")
        print(f"  busiest host's bound {bound:.2f} s; hosts one after another {sum(counts) * args.interval:.2f} s")
        print(f"  claimcheck fetch: {wall:.2f} s wall (start-up included)")
    finally:
        server.kill()


if __name__ == "__main__":
    main()
