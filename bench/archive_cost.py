"""What the re-check of an unchanged source costs claimcheck beyond its request, part by part, in one process.

    python bench/archive_cost.py [--n 10000]

Times the archive records every re-checked source gets (a request record and a 304 response record, gzipped
members appended to a WARC), with the same code a run uses. Compare with the marginal cost per source of the
bare aiohttp 304 loop that bench/run.py prints: the issue's re-check target allows 1.5 times that for
everything, request included.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from claimcheck.store.archive import WarcFile, payload_digest, settle
from claimcheck.net.fetch import Hop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10000)
    args = parser.parse_args()
    now = datetime.now(timezone.utc)
    tag = '"5d41402abc4b2a76b9719d911017c592"'
    hops = [Hop(f"http://127.0.0.1:8080/news/article-{i}.html", 304, "Not Modified", "HTTP/1.1",
                [("ETag", tag), ("Date", "Thu, 26 Nov 2026 05:00:00 GMT"), ("Server", "Python/3.11 aiohttp/3.9"),
                 ("Content-Length", "0")],
                [("User-Agent", "claimcheck/0.1"), ("Accept", "text/html"), ("Accept-Encoding", "gzip, deflate"),
                 ("If-None-Match", tag)], b"", "127.0.0.1", now) for i in range(args.n)]
    with tempfile.TemporaryDirectory() as folder:
        warc = WarcFile(Path(folder) / "bench.warc.gz")
        began = time.perf_counter()
        for hop in hops:
            digest = payload_digest(hop.body)
            warc.write_hop(hop, digest, settle(hop, {}, digest))
        elapsed = time.perf_counter() - began
        warc.close()
        size = warc.final_path.stat().st_size
    print(f"{args.n} request + 304 response records: {elapsed / args.n * 1000:.3f} ms/source, "
          f"{size / args.n:.0f} bytes/source")


if __name__ == "__main__":
    main()
