"""Serve the test fixtures as a local world of publisher sites and run a real `claimcheck check` against it.

    python bench/demo_world.py [--changed]   # the README's sample report comes from this

Nothing leaves the machine: the sites listen on 127.0.0.1 and claimcheck runs with --allow-private.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from click.testing import CliRunner  # noqa: E402  after the path to tests/ is set
from conftest import WORLD_PATHS, write_claims  # noqa: E402
from world import PAGES, Site  # noqa: E402

from claimcheck.cli import cli  # noqa: E402


def main() -> None:
    site = Site()
    for path, fixture in WORLD_PATHS.values():
        site.fixture(path, fixture)
    work = Path(tempfile.mkdtemp(prefix="claimcheck-demo-"))
    claims = write_claims(work, site)
    args = ["--claims", str(claims), "--store", str(work / "cache")]
    env = {"CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_NOW": "2026-11-25T12:00:00Z", "CLAIMCHECK_TIMEGATE": "none"}
    runner = CliRunner()
    runner.invoke(cli, [*args, "check", "--quiet"], env=env)
    if "--changed" in sys.argv:
        intel = WORLD_PATHS["intel-2023-packaging"][0]
        page = (PAGES / "intel-packaging.html").read_text()
        site.page(intel, page.replace("Its innovations include EMIB", "Its innovations include glass substrates"))
        site.status(WORLD_PATHS["amd-2025-engineering-ai"][0], 404)
        env["CLAIMCHECK_NOW"] = "2026-11-26T12:00:00Z"
    result = runner.invoke(cli, [*args, "check", "--quiet", *[a for a in sys.argv[1:] if a != "--changed"]], env=env)
    print(result.stdout.replace(site.origin, "http://127.0.0.1:PORT"), end="")
    print(f"[exit {result.exit_code}; store in {work}]", file=sys.stderr)
    site.close()
    os._exit(result.exit_code)


if __name__ == "__main__":
    main()
