from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from world import ARTICLE, REPO, WORLD_CLAIMS, WORLD_PATHS, Site, write_claims  # noqa: F401 - used by tests

from claimcheck.cli.main import cli

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


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                    reason="chromium is not installed (.ci/run installs it)")


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (no browser download), headless, asking nothing of the web."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield launched
        launched.close()
