"""One store's index copied whole into another, empty one (SQLite into PostgreSQL when a team outgrows one
machine, or back): every row with its id, in one transaction on the destination, counted on both sides
before it commits; the WARC files copied beside it unless both share the folder. Nothing in the source is
written."""

from __future__ import annotations

import filecmp
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.core.errors import StoreError
from claimcheck.store import Store, pack_text

# Parents before children (captures name runs; baselines name captures). The latest_* tables are derived: the
# destination computes them from its captures once they are all in (`Captures.keep_latest`), and they must come
# out as the source kept them.
TABLES = ("runs", "run_articles", "run_shards", "sources", "payloads", "captures", "extractions", "texts",
          "evidence_matches", "findings", "baselines", "evidence", "snoozes", "mementos", "audit")
DERIVED = ("latest_source_captures", "latest_validators", "latest_payload_captures")
BATCH = 1000


@dataclass
class CopyOutcome:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    warc_files: int = 0  # WARC files copied (0 where both stores share the archive folder)


def _order(store: Store, table: str) -> str:
    columns = store.tables.columns(table)
    if "id" in columns:
        return "id"
    if table == "run_articles":
        return store.tables.insertion_order
    from claimcheck.store.tables import PRIMARY_KEYS
    return ", ".join(PRIMARY_KEYS[table])


def copy_store(source: Store, destination: Store, *, by: str,
               progress: Callable[[str, int], None] | None = None) -> CopyOutcome:
    """Copy `source`'s index and archive into `destination`, which must hold nothing yet."""
    for table in TABLES:
        if destination.tables.scalar(f"select count(*) from {table}"):
            raise StoreError(f"the store {destination.name} is not empty ({table} has rows); "
                             "copy into a new store")
    outcome = CopyOutcome()
    outcome.warc_files = _copy_archive(source.paths.warc, destination.paths.warc)
    with destination.write_errors(), destination.transaction():
        for table in TABLES:
            wanted = set(destination.tables.columns(table))
            count = 0
            batch: list[dict[str, object]] = []
            for row in source.tables.query(f"select * from {table} order by {_order(source, table)}"):
                row = {name: value for name, value in row.items() if name in wanted}
                if table == "texts" and isinstance(row["text"], str):
                    row["text"] = pack_text(row["text"])  # older SQLite stores kept texts plain
                batch.append(row)
                if len(batch) >= BATCH:
                    destination.tables.insert_many(table, batch)
                    count += len(batch)
                    batch.clear()
            destination.tables.insert_many(table, batch)
            count += len(batch)
            outcome.rows[table] = count
            if progress:
                progress(table, count)
        destination.captures.keep_latest()
        reset = getattr(destination.tables, "reset_ids", None)
        if reset is not None:
            reset()
        for table in (*TABLES, *DERIVED):
            here, there = (store.tables.scalar(f"select count(*) from {table}") for store in (source, destination))
            if here != there:
                raise StoreError(f"copy failed: {table} has {here} rows in {source.name} but {there} in "
                                 f"{destination.name}; nothing was committed")
        destination.reviews.audit(by, "store-copied", source.name, f"copied into {destination.name}",
                                  {"rows": outcome.rows, "warc_files": outcome.warc_files})
    return outcome


def _copy_archive(source: Path, destination: Path) -> int:
    """Copy the WARC files that are not already there; a file of the same name but other content stops the
    copy (archives are never overwritten)."""
    if source.resolve() == destination.resolve():
        return 0
    destination.mkdir(parents=True, exist_ok=True)
    copied = 0
    for path in sorted(source.iterdir()) if source.is_dir() else []:
        if not path.is_file():
            continue
        target = destination / path.name
        if target.exists():
            if not filecmp.cmp(path, target, shallow=False):
                raise StoreError(f"{target} exists with other content; archives are never overwritten")
            continue
        temporary = target.with_name(f".{target.name}.copying")
        shutil.copy2(path, temporary)
        temporary.rename(target)
        copied += 1
    return copied
