from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from world import Site

from claimcheck.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
ARTICLE = REPO / "article" / "advanced-semiconductor-packaging.txt"

# Where each source of the real claims.yaml lives in the local world, and which fixture it serves.
WORLD_PATHS = {
    "intel-2023-packaging": ("/content/www/us/en/newsroom/news/intel-leads-the-way-with-advanced-packaging.html",
                             "intel-packaging.html"),
    "synopsys-tsmc-2025-a16-n2p": ("/2025-04-23-Synopsys-and-TSMC-Usher-In-Angstrom-Scale-Designs",
                                   "synopsys-2025-a16-n2p.html"),
    "synopsys-tsmc-2026-ai-systems": ("/2026-04-22-Synopsys-Partners-with-TSMC-to-Power-Next-Generation-AI",
                                      "synopsys-2026-ai-systems.html"),
    "amd-2024-chiplet-white-paper": ("/content/dam/amd/en/documents/chiplet-architecture-white-paper.pdf",
                                     "amd-chiplet-white-paper.pdf"),
    "amd-2025-engineering-ai": ("/en/blogs/2025/engineering-the-future-of-ai.html", "amd-engineering-ai.html"),
}


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site()
    yield server
    server.close()


@pytest.fixture
def world(site: Site) -> Site:
    """Every source of the real claims.yaml served from one local site, as its publisher structures it."""
    for path, fixture in WORLD_PATHS.values():
        site.fixture(path, fixture)
    return site


# The world's claims: the repository's claims.yaml as it was when the tests' expectations were written (its
# first eight claims), so that an editor adding claims to the real file does not move every count in the tests.
# tests/test_verdicts.py checks the real file against the same world.
WORLD_CLAIMS = Path(__file__).parent / "fixtures" / "claims-world.yaml"


def write_claims(directory: Path, site: Site, *, overrides: dict[str, Any] | None = None,
                 claims: Path = WORLD_CLAIMS) -> Path:
    """A claims file (by default the world's) with each source's URL pointed at the local world."""
    data = yaml.safe_load(claims.read_text())
    data["article"]["path"] = str(ARTICLE)
    for source_id, (path, _) in WORLD_PATHS.items():
        data["sources"][source_id]["url"] = site.url(path)
    for source_id, fields in (overrides or {}).items():
        data["sources"][source_id].update(fields)
    target = directory / "claims.yaml"
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return target


class Runner:
    """Drives the CLI like a user: the same claims file and store across runs, the clock set per run."""

    def __init__(self, claims: Path, store: Path) -> None:
        self.claims = claims
        self.store = store
        self.cli = CliRunner()
        self.timegate: str | None = None

    def __call__(self, *args: str, now: str = "2026-11-25T12:00:00Z", allow_private: bool = True) -> Result:
        # Never the real Wayback Machine: tests that want a TimeGate start a local one.
        env = {"CLAIMCHECK_NOW": now, "CLAIMCHECK_USER": "editor",
               "CLAIMCHECK_TIMEGATE": self.timegate or "none"}
        env["CLAIMCHECK_ALLOW_PRIVATE"] = "1" if allow_private else ""
        command = list(args)
        if command and command[0] in ("check", "fetch") and "--host-request-interval" not in command:
            command += ["--host-request-interval", "0"]
        return self.cli.invoke(cli, ["--claims", str(self.claims), "--store", str(self.store), *command], env=env,
                               catch_exceptions=False)

    def json(self, *args: str, now: str = "2026-11-25T12:00:00Z") -> tuple[int, dict[str, Any]]:
        result = self("check", "--format", "json", *args, now=now)
        return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def run(tmp_path: Path, world: Site) -> Runner:
    return Runner(write_claims(tmp_path, world), tmp_path / "store")


def verdicts(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(c["id"], s["source"]): s["verdict"] for c in document["claims"] for s in c["sources"]}


def by_source(document: dict[str, Any], source: str) -> list[dict[str, Any]]:
    return [s for c in document["claims"] for s in c["sources"] if s["source"] == source]


@pytest.fixture(autouse=True)
def _no_stray_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CLAIMCHECK_NOW", "CLAIMCHECK_ALLOW_PRIVATE", "CLAIMCHECK_USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLAIMCHECK_TIMEGATE", "none")  # subprocesses too: no test asks a real archive
    os.environ.setdefault("NO_COLOR", "1")
