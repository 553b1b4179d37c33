"""The PostgreSQL index against a real server: the same schema as SQLite's, the same outputs byte for byte,
a store copied whole, the same lock. (The review and pipeline scenarios run on both backends too: see
`BOTH_BACKENDS` in conftest.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Runner
from test_review import change_intel
from test_store import FROM_HISTORY, every_kind_of_run
from world import Site, write_claims

from claimcheck.store import Store, schema, schema_pg

pytestmark = pytest.mark.usefixtures("pg_server")


def _tables(store: Store) -> dict[str, list[str]]:
    if store.backend == "sqlite":
        names = [row[0] for row in store.tables.rows(
            "select name from sqlite_master where type in ('table', 'view') and name not like '\\_%' escape '\\' "
            "and name not like 'sqlite%'")]
    else:
        names = [row[0] for row in store.tables.rows(
            "select table_name from information_schema.tables where table_schema = current_schema() "
            "and table_name not like '\\_%' escape '\\'")]
    return {name: store.tables.columns(name) for name in sorted(names)}


def test_both_schemas_have_the_same_migrations_tables_and_columns(tmp_path: Path, pg_server) -> None:  # type: ignore[no-untyped-def]
    assert [name for name, _ in schema_pg.MIGRATIONS] == [m.name for m in schema.migrations._migrations]
    with Store(tmp_path / "sqlite") as lite, Store(pg_server.database(), archive=tmp_path / "pg") as pg:
        sqlite_tables, pg_tables = _tables(lite), _tables(pg)
    # PostgreSQL has no rowid: run_articles keeps its insertion order in `seq`, after the same columns.
    assert pg_tables.pop("run_articles") == [*sqlite_tables.pop("run_articles"), "seq"]
    assert pg_tables == sqlite_tables


def _pair(tmp_path: Path, world: Site, pg_server) -> tuple[Runner, Runner]:  # type: ignore[no-untyped-def]
    claims = write_claims(tmp_path, world)
    return Runner(claims, tmp_path / "lite"), Runner(claims, tmp_path / "pg", pg_server.database())


def _outputs(run: Runner, *, runs: list[int]) -> dict[str, str]:
    found = {}
    for fmt in ("json", "markdown", "text", "junit"):
        for number in runs:
            found[f"report {number} {fmt}"] = run("report", "--run", str(number), "--format", fmt).stdout
    for source in ("intel-2023-packaging", "amd-2024-mi300"):
        found[f"history {source}"] = run("history", source).stdout
        found[f"diff {source}"] = run("diff", source).stdout
    found["suggest"] = run("suggest", "tsmc-3dfabric-cowos-soic").stdout
    return found


def test_the_same_runs_give_the_same_outputs_byte_for_byte(tmp_path: Path, world: Site, pg_server) -> None:  # type: ignore[no-untyped-def]
    lite, pg = _pair(tmp_path, world, pg_server)
    codes: dict[str, list[int]] = {"lite": [], "pg": []}
    for name, run in (("lite", lite), ("pg", pg)):
        codes[name].append(run("check").exit_code)
    change_intel(world)
    for name, run in (("lite", lite), ("pg", pg)):
        codes[name].append(run("check", "--fail-on", "warning", now="2026-11-26T12:00:00Z").exit_code)
        codes[name].append(run("snooze", "intel-2023-packaging", "--note", "later",
                               now="2026-11-26T12:30:00Z").exit_code)
        codes[name].append(run("accept", "intel-2023-packaging", "--note", "reviewed",
                               now="2026-11-26T13:00:00Z").exit_code)
        codes[name].append(run("check", now="2026-11-27T12:00:00Z").exit_code)
    assert codes["lite"] == codes["pg"] == [0, 1, 0, 0, 0]
    expected = _outputs(lite, runs=[1, 2, 3])
    assert json.loads(expected["report 2 json"])["claims"]  # something to compare
    assert _outputs(pg, runs=[1, 2, 3]) == expected


def test_a_store_copied_into_postgresql_keeps_everything(tmp_path: Path, world: Site, pg_server) -> None:  # type: ignore[no-untyped-def]
    lite = Runner(write_claims(tmp_path, world), tmp_path / "lite")
    lite("check")
    change_intel(world)
    lite("check", now="2026-11-26T12:00:00Z")
    lite("accept", "intel-2023-packaging", "--note", "reviewed", now="2026-11-26T13:00:00Z")
    lite("accept", "tsmc-3dfabric-cowos-soic", "--suggestion", "1", "--source", "synopsys-tsmc-2025-a16-n2p",
         "--note", "supports it", now="2026-11-26T13:00:00Z")
    before = _outputs(lite, runs=[1, 2])
    database = pg_server.database()
    # The index moves; the WARC files stay where they are (the default archive is SRC's folder).
    copied = lite("store", "copy", str(lite.store), database)
    assert copied.exit_code == 0, copied.output
    assert "0 WARC files" in copied.stdout
    pg = Runner(lite.claims, lite.store, database)
    assert _outputs(pg, runs=[1, 2]) == before
    assert pg.sql("select count(*) from audit where action = 'store-copied'") == [(1,)]
    for table in ("captures", "findings", "baselines", "evidence", "audit", "latest_source_captures"):
        assert pg.sql(f"select count(*) from {table}")[0][0] == lite.sql(f"select count(*) from {table}")[0][0] \
            + (1 if table == "audit" else 0)
    for table in FROM_HISTORY:  # derived on the destination from its captures: as the source kept them
        assert sorted(pg.sql(f"select * from {table}")) == sorted(lite.sql(f"select * from {table}")), table
    # A second copy into the same database is refused; nothing is written.
    again = lite("store", "copy", str(lite.store), database)
    assert again.exit_code == 2 and "not empty" in again.stderr
    assert pg.sql("select count(*) from audit where action = 'store-copied'") == [(1,)]
    # Into another archive folder, the WARC files go too.
    elsewhere = tmp_path / "archive2"
    moved = Runner(lite.claims, elsewhere, pg_server.database())
    assert lite("store", "copy", str(lite.store), moved.database, "--archive", str(elsewhere)).exit_code == 0
    assert sorted(p.name for p in (elsewhere / "warc").iterdir()) == sorted(
        p.name for p in (lite.store / "warc").iterdir())
    # And both go on from there alike: ids continue, the accepted baseline and passage hold.
    after = moved("check", "--format", "json", now="2026-11-27T12:00:00Z")
    same = lite("check", "--format", "json", now="2026-11-27T12:00:00Z")
    assert (after.exit_code, after.stdout) == (same.exit_code, same.stdout)
    # Back into SQLite, the same again.
    back = lite("store", "copy", moved.database, str(tmp_path / "back"), "--source-archive", str(elsewhere))
    assert back.exit_code == 0, back.output
    assert _outputs(Runner(lite.claims, tmp_path / "back"), runs=[1, 2, 3]) == _outputs(lite, runs=[1, 2, 3])


def test_two_runs_never_write_a_postgresql_store_at_once(tmp_path: Path, world: Site, pg_server) -> None:  # type: ignore[no-untyped-def]
    _, pg = _pair(tmp_path, world, pg_server)
    assert pg("check").exit_code == 0
    with Store(pg.database, archive=pg.store) as holder, holder.locked():
        blocked = pg("check", now="2026-11-26T12:00:00Z")
        assert blocked.exit_code == 2 and "another claimcheck run is writing" in blocked.stderr
        assert "postgresql://claimcheck@127.0.0.1" in blocked.stderr
    assert pg("check", now="2026-11-26T12:00:00Z").exit_code == 0


def test_a_bad_database_url_is_one_clear_line(tmp_path: Path) -> None:
    run = Runner(tmp_path / "claims.yaml", tmp_path / "store", "postgresql://nobody:secret@127.0.0.1:1/none")
    (tmp_path / "claims.yaml").write_text("article: {title: t}\nsources: {}\nclaims: []\n")
    result = run("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("claimcheck: cannot connect to the store postgresql://nobody:***@127.0.0.1:1/none")
    assert "secret" not in result.stderr


def test_the_current_state_tables_equal_the_history_on_postgresql(tmp_path: Path, world: Site, pg_server) -> None:  # type: ignore[no-untyped-def]
    """As on SQLite: after a changed page, a 404, an offline run and a network-down run, each newest-capture
    table holds exactly what the whole history says."""
    every_kind_of_run(Runner(write_claims(tmp_path, world), tmp_path / "pg", pg_server.database()), world)
