"""Runs: one row per command that wrote to the store, with its status, network state and summary."""

from __future__ import annotations

from typing import Any

from claimcheck.core import clock
from claimcheck.core.errors import NotFound
from claimcheck.store.tables import Tables, to_json


class Runs:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def start(self, command: str, claims_file: str, options: dict[str, Any], *, status: str = "running") -> int:
        """Open a run; any run still 'running' was interrupted, since the caller holds the lock. A run fetched
        in shards is 'open' until it is judged (shards come and go; it is not interrupted meanwhile)."""
        with self.tables.atomic():
            self.tables.execute("update runs set status = 'interrupted' where status = 'running'")
            return self.tables.insert_one("runs", {
                "started_at": clock.isoformat(clock.now()), "command": command, "claims_file": claims_file,
                "status": status, "network": None, "options": to_json(options),
            })

    def set_status(self, run_id: int, status: str) -> None:
        with self.tables.atomic():
            self.tables.update("runs", run_id, {"status": status})

    def latest_open(self) -> dict[str, Any] | None:
        return self.tables.first("select * from runs where status = 'open' order by id desc limit 1")

    # -- shards of a run fetched by several processes ----------------------------------------------------
    def shard_started(self, run_id: int, shard: int, shards: int) -> None:
        with self.tables.atomic():
            self.tables.upsert("run_shards", {"run_id": run_id, "shard": shard, "shards": shards,
                                              "status": "running",
                                              "started_at": clock.isoformat(clock.now()), "finished_at": None,
                                              "fetched": None, "network": None})

    def shard_finished(self, run_id: int, shard: int, status: str, fetched: int, network: str) -> None:
        with self.tables.atomic():
            self.tables.execute("update run_shards set status = ?, finished_at = ?, fetched = ?, network = ? "
                                "where run_id = ? and shard = ?",
                                [status, clock.isoformat(clock.now()), fetched, network, run_id, shard])

    def shards(self, run_id: int) -> list[dict[str, Any]]:
        return list(self.tables.query("select * from run_shards where run_id = ? order by shard", [run_id]))

    def finish(self, run_id: int, status: str, network: str, summary: dict[str, Any]) -> None:
        with self.tables.atomic():
            self.tables.update("runs", run_id, {
                "finished_at": clock.isoformat(clock.now()), "status": status, "network": network,
                "summary": to_json(summary)})

    def get(self, run_id: int) -> dict[str, Any]:
        row = self.tables.first("select * from runs where id = ?", [run_id])
        if row is None:
            raise NotFound(f"no run {run_id}")
        return row

    def add_articles(self, run_id: int, articles: list[tuple[str, str, str]]) -> None:
        """The articles a run checks: (label, claims file, title)."""
        with self.tables.atomic():
            self.tables.insert_many("run_articles", [{"run_id": run_id, "article": label, "file": file,
                                                      "title": title} for label, file, title in articles])

    def articles(self, run_id: int) -> list[dict[str, Any]]:
        return list(self.tables.query("select article, file, title from run_articles where run_id = ? "
                                      f"order by {self.tables.insertion_order}", [run_id]))

    def recent(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Runs newest first, a page at a time."""
        return list(self.tables.query("select * from runs order by id desc limit ? offset ?", [limit, offset]))

    def last_check(self) -> dict[str, Any] | None:
        return self.tables.first(
            "select * from runs where command = 'check' and status in ('complete', 'network-down') "
            "order by id desc limit 1")
