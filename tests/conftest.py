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
from claimcheck.store import Store

import pgserver  # noqa: E402,I001 - beside this file, like world

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
    """Drives the CLI like a user: the same claims file and store across runs, the clock set per run. `store`
    is the store's folder; with `database` (a postgresql:// URL) the index is there and `store` is the archive
    folder."""

    def __init__(self, claims: Path, store: Path, database: str | None = None) -> None:
        self.claims = claims
        self.store = store
        self.database = database
        self.cli = CliRunner()
        self.timegate: str | None = None

    @property
    def store_options(self) -> list[str]:
        if self.database:
            return ["--store", self.database, "--archive", str(self.store)]
        return ["--store", str(self.store)]

    def sql(self, query: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a query on the index, whichever database holds it (`?` placeholders)."""
        with Store(self.database or self.store, create=False, archive=self.store) as store:
            return store.tables.rows(query, params)

    def __call__(self, *args: str, now: str = "2026-11-25T12:00:00Z", allow_private: bool = True) -> Result:
        # Never the real Wayback Machine: tests that want a TimeGate start a local one.
        env = {"CLAIMCHECK_NOW": now, "CLAIMCHECK_USER": "editor",
               "CLAIMCHECK_TIMEGATE": self.timegate or "none"}
        env["CLAIMCHECK_ALLOW_PRIVATE"] = "1" if allow_private else ""
        command = list(args)
        if command and command[0] in ("check", "fetch") and "--host-request-interval" not in command:
            command += ["--host-request-interval", "0"]
        return self.cli.invoke(cli, ["--claims", str(self.claims), *self.store_options, *command], env=env,
                               catch_exceptions=False)

    def json(self, *args: str, now: str = "2026-11-25T12:00:00Z") -> tuple[int, dict[str, Any]]:
        result = self("check", "--format", "json", *args, now=now)
        return result.exit_code, json.loads(result.stdout)


# The store and pipeline tests run on both backends (a real PostgreSQL server, started once per session);
# elsewhere `backend` is SQLite, the default.
BOTH_BACKENDS = {"test_scenarios", "test_review", "test_postgres"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames and metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_BACKENDS:
        sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("backend", ["sqlite"] if sqlite_only else ["sqlite", "postgresql"])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: reads the SQLite file itself; not run on PostgreSQL")


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.Server]:
    """One real PostgreSQL server for the session (each test gets a database of its own)."""
    if pgserver.binaries() is None and not os.environ.get("CI"):
        pytest.skip("PostgreSQL is not installed (.ci/run installs Debian's postgresql)")
    pytest.importorskip("psycopg")
    server = pgserver.Server()
    yield server
    server.stop()


@pytest.fixture
def database(backend: str, request: pytest.FixtureRequest) -> str | None:
    """A new, empty PostgreSQL database's URL when the test runs on PostgreSQL, else None."""
    if backend != "postgresql":
        return None
    server: pgserver.Server = request.getfixturevalue("pg_server")
    return server.database()


@pytest.fixture
def run(tmp_path: Path, world: Site, database: str | None) -> Runner:
    return Runner(write_claims(tmp_path, world), tmp_path / "store", database)


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


def stop_judging_at(monkeypatch: pytest.MonkeyPatch, call: int) -> list[int]:
    """Make judging raise KeyboardInterrupt (a Ctrl-C) at its `call`-th (claim, source) pair; the returned
    list counts the calls made (its one item)."""
    from claimcheck.judge import stage as judge

    judged = judge._judged_cite
    calls = [0]

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == call:
            raise KeyboardInterrupt
        return judged(*args, **kwargs)

    monkeypatch.setattr(judge, "_judged_cite", failing)
    return calls
