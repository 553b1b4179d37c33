"""What people (and first checks) decided: baselines, evidence passages accepted from suggestions, and the
append-only audit log that records each decision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from claimcheck.core import clock
from claimcheck.core.outcomes import OK
from claimcheck.store.sqlite import IN_CHUNK, Tables, chunks, to_json


class Reviews:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    # -- baselines -------------------------------------------------------------------------------------
    def baseline(self, source_id: str) -> dict[str, Any] | None:
        return self.tables.first("select * from baselines where source_id = ? order by id desc limit 1",
                                 [source_id])

    def latest_baselines_of(self, source_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """source id -> its current baseline row, with the baseline capture's payload digest."""
        rows = self.tables.query_in(
            "select b.*, c.payload_digest as capture_payload_digest from baselines b "
            "join (select source_id, max(id) as id from baselines where source_id in ({}) group by source_id) m "
            "on b.id = m.id join captures c on c.id = b.capture_id", source_ids)
        return {row["source_id"]: row for row in rows}

    def set_baseline(self, source_id: str, capture_id: int, *, by: str, note: str, kind: str) -> None:
        with self.tables.db.atomic():
            self.tables.insert_many("baselines", [{"source_id": source_id, "capture_id": capture_id,
                                                   "accepted_at": clock.isoformat(clock.now()), "accepted_by": by,
                                                   "note": note, "kind": kind}])
            self.audit(by, f"baseline-{kind}", source_id, note, {"capture_id": capture_id})

    def set_initial_baselines(self, sources: list[tuple[str, str]], *, by: str, note: str) -> None:
        """Give each (source id, URL) its first successful capture of that URL as its baseline, audited, in one
        transaction."""
        now = clock.isoformat(clock.now())
        rows: list[dict[str, Any]] = []
        for chunk in chunks(sources, IN_CHUNK // 2):
            pairs = ",".join("(?, ?)" for _ in chunk)
            rows += self.tables.query(
                f"with wanted(source_id, url) as (values {pairs}) select c.source_id, min(c.id) as capture_id "
                "from captures c join wanted w on c.source_id = w.source_id and c.url = w.url "
                f"where c.outcome = '{OK}' group by c.source_id", [value for pair in chunk for value in pair])
        with self.tables.db.atomic():
            self.tables.insert_many("baselines", [{**row, "accepted_at": now, "accepted_by": by, "note": note,
                                                   "kind": "initial"} for row in rows])
            self.tables.insert_many("audit", [{"at": now, "actor": by, "action": "baseline-initial",
                                               "target": row["source_id"], "note": note,
                                               "data": to_json({"capture_id": row["capture_id"]})} for row in rows])

    def baselines_of(self, source_id: str) -> list[dict[str, Any]]:
        return list(self.tables.query("select * from baselines where source_id = ? order by id", [source_id]))

    # -- evidence accepted from suggestions --------------------------------------------------------------
    def accepted_evidence(self) -> dict[tuple[str, str], str]:
        rows = self.tables.query("select claim_id, source_id, text from evidence order by id")
        return {(r["claim_id"], r["source_id"]): r["text"] for r in rows}

    def accept_evidence(self, claim_id: str, source_id: str, text: str, *, by: str, note: str,
                        checked: dict[str, Any] | None = None) -> None:
        """`checked`: how the passage was checked against the source (score, capture, whether forced)."""
        forced = bool(checked and checked.get("forced"))
        if forced:
            assert checked is not None
            found = "unchecked" if checked.get("score") is None else f"best match {checked['score']:.2f}"
            support = checked.get("support") or {}
            if support.get("label") in ("unsupported", "contradicted"):
                found += f", {support['label']}: {'; '.join(support.get('reasons', []))}"
            note = f"{note} [forced: {found}]"
        with self.tables.db.atomic():
            self.tables.insert_one("evidence", {"claim_id": claim_id, "source_id": source_id, "text": text,
                                                "accepted_at": clock.isoformat(clock.now()), "accepted_by": by,
                                                "note": note})
            self.audit(by, "evidence-accepted", f"{claim_id}/{source_id}", note, {"text": text, **(checked or {})})

    def evidence_of(self, source_id: str) -> list[dict[str, Any]]:
        """Every evidence passage accepted for a source, oldest first."""
        return list(self.tables.query("select * from evidence where source_id = ? order by id", [source_id]))

    # -- audit -----------------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, target: str, note: str, data: dict[str, Any] | None = None) -> None:
        """Append to the audit log, in the caller's transaction if there is one."""
        row = {"at": clock.isoformat(clock.now()), "actor": actor, "action": action, "target": target,
               "note": note, "data": to_json(data or {})}
        with self.tables.db.atomic():  # a savepoint when nested
            self.tables.insert_many("audit", [row])
