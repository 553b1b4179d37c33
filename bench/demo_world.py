"""Serve the test fixtures as a local world of publisher sites and run a real `claimcheck check` against it.

    python bench/demo_world.py [--changed] [CHECK OPTIONS...]   # the README's sample report comes from this
    python bench/demo_world.py --serve                          # keep the sites up and try every command

Nothing leaves the machine: the sites listen on 127.0.0.1 and claimcheck runs with --allow-private.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from click.testing import CliRunner  # noqa: E402  after the path to tests/ is set
from world import PAGES, WORLD_PATHS, Site, write_claims  # noqa: E402  (no pytest: the main install runs it)

from claimcheck.cli.main import cli  # noqa: E402

ENV = {"CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none"}
# ASE's release, which the claims file cites without a URL: listed in the site's sitemap for `locate` to find.
ASE_PATH = "/en/press-room/ases-vipack-enables-advanced-interconnect-technology-for-chiplets"


def _sitemap(site: Site) -> str:
    urls = [path for path, _ in WORLD_PATHS.values()] + [ASE_PATH]
    entries = "".join(f"<url><loc>{site.url(path)}</loc></url>" for path in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Serve claimcheck's publisher fixtures on 127.0.0.1 and check the article's claims against them.",
        epilog="Any other option is passed to `claimcheck check` (e.g. --format markdown).")
    parser.add_argument("--changed", action="store_true",
                        help="after a first check, change a word of Intel's page and make AMD's blog answer 404, "
                             "then check again")
    parser.add_argument("--serve", action="store_true",
                        help="set up the changed world, keep the sites up and print the commands to try (Ctrl-C "
                             "stops)")
    return parser


def _change(site: Site) -> None:
    intel = WORLD_PATHS["intel-2023-packaging"][0]
    page = (PAGES / "intel-packaging.html").read_text()
    site.page(intel, page.replace("Its innovations include EMIB", "Its innovations include glass substrates"))
    site.status(WORLD_PATHS["amd-2025-engineering-ai"][0], 404)


def _walkthrough(work: Path, claims: Path, site: Site) -> str:
    # claims.yaml and cache/ are claimcheck's defaults: from the demo's folder, the commands are the README's.
    assert claims == work / "claims.yaml"
    steps = [
        ("check every claim: Intel's page changed, AMD's blog answers 404", "check"),
        ("what changed on Intel's page, word by word", "diff intel-2023-packaging"),
        ("every capture, verdict and acceptance of it", "history intel-2023-packaging"),
        ("the passages of its sources that best support a claim, each with its support label",
         "suggest intel-emib-foveros"),
        ("try to record the first as the claim's evidence: refused, it no longer names EMIB",
         "accept intel-emib-foveros --suggestion 1 --source intel-2023-packaging --note 'supports the claim'"),
        ("accept the new wording as Intel's baseline, once someone has asked Intel",
         "accept intel-2023-packaging --note 'asked Intel'"),
        ("find the URL of ASE's release, which the article cites without one, in the site's sitemap",
         f"locate ase-2024-vipack --site {site.origin}/"),
        ("the last check again, as a self-contained HTML page",
         "report --format html --output report.html"),
    ]
    lines = [f"The demo sites are up at {site.origin} (Ctrl-C stops them).",
             "A first check has set the baselines; since then one word of Intel's page changed and AMD's blog "
             "answers 404.", "", "In another terminal:", "",
             f"  cd {shlex.quote(str(work))}",
             "  export " + " ".join(f"{k}={v}" for k, v in ENV.items())]
    for why, command in steps:
        lines += [f"  # {why}", f"  claimcheck {command}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args, check_options = _parser().parse_known_args(argv)
    site = Site()
    for path, fixture in WORLD_PATHS.values():
        site.fixture(path, fixture)
    site.fixture(ASE_PATH, "ase-vipack.html")
    site.page("/sitemap.xml", _sitemap(site), content_type="application/xml")
    work = Path(tempfile.mkdtemp(prefix="claimcheck-demo-"))
    claims = write_claims(work, site)
    cli_args = ["--claims", str(claims), "--store", str(work / "cache")]
    env = {**ENV, "CLAIMCHECK_NOW": "2026-11-25T12:00:00Z"}
    runner = CliRunner()
    runner.invoke(cli, [*cli_args, "check", "--quiet"], env=env, prog_name="claimcheck")
    if args.serve:
        _change(site)
        print(_walkthrough(work, claims, site), flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while True:
                signal.pause()
        except KeyboardInterrupt:
            pass
        finally:
            site.close()
            shutil.rmtree(work, ignore_errors=True)
        return
    if args.changed:
        _change(site)
        env["CLAIMCHECK_NOW"] = "2026-11-26T12:00:00Z"
    result = runner.invoke(cli, [*cli_args, "check", "--quiet", *check_options], env=env, prog_name="claimcheck")
    print(result.stdout.replace(site.origin, "http://127.0.0.1:PORT"), end="")
    print(result.stderr, end="", file=sys.stderr)  # claimcheck's own word, an unknown option's included
    site.close()
    shutil.rmtree(work, ignore_errors=True)
    os._exit(result.exit_code)


if __name__ == "__main__":
    main()
