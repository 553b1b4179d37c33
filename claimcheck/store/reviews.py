"""What people (and first checks) decided: baselines, evidence passages accepted from suggestions, and the
append-only audit log that records each decision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from claimcheck.core import clock
from claimcheck.core.outcomes import OK
from claimcheck.store.tables import IN_CHUNK, Tables, chunks, to_json


class Reviews:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    # -- baselines -------------------------------------------------------------------------------------
    # Baselines, evidence and history are kept under a source's key (`Source.key`: its URL, normalised), and
    # carry the label it was accepted under (`source_id`) for people to read.
    def baseline(self, source_key: str) -> dict[str, Any] | None:
        return self.tables.first("select * from baselines where source_key = ? order by id desc limit 1",
                                 [source_key])

    def latest_baselines_of(self, source_keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """source key -> its current baseline row, with the baseline capture's payload digest."""
        rows = self.tables.query_in(
            "select b.*, c.payload_digest as capture_payload_digest from baselines b "
            "join (select source_key, max(id) as id from baselines where source_key in ({}) group by source_key) m "
            "on b.id = m.id join captures c on c.id = b.capture_id", source_keys)
        return {row["source_key"]: row for row in rows}

    def with_baselines(self, source_keys: Iterable[str]) -> set[str]:
        """Those of the source keys that have a baseline (from the index alone, no rows read)."""
        return {key for (key,) in self.tables.rows_in(
            "select distinct source_key from baselines where source_key in ({})", source_keys)}

    def set_baseline(self, source_key: str, capture_id: int, *, by: str, note: str, kind: str,
                     label: str | None = None) -> None:
        with self.tables.atomic():
            self.tables.insert_many("baselines", [{"source_id": label or source_key, "source_key": source_key,
                                                   "capture_id": capture_id,
                                                   "accepted_at": clock.isoformat(clock.now()), "accepted_by": by,
                                                   "note": note, "kind": kind}])
            self.audit(by, f"baseline-{kind}", label or source_key, note,
                       {"capture_id": capture_id, "source_key": source_key})

    def set_initial_baselines(self, sources: list[tuple[str, str]], *, by: str, note: str) -> None:
        """Give each (source key, URL) its first successful capture of that URL as its baseline, audited, in
        one transaction."""
        now = clock.isoformat(clock.now())
        rows: list[dict[str, Any]] = []
        for chunk in chunks(sources, IN_CHUNK // 2):
            pairs = ",".join("(?, ?)" for _ in chunk)
            rows += self.tables.query(
                f"with wanted(source_key, url) as (values {pairs}), first_ok as (select c.source_key, "
                "min(c.id) as capture_id from captures c join wanted w on c.source_key = w.source_key "
                f"and c.url = w.url where c.outcome = '{OK}' group by c.source_key) "
                "select f.source_key, f.capture_id, c.source_id from first_ok f join captures c "
                "on c.id = f.capture_id order by f.source_key", [value for pair in chunk for value in pair])
        with self.tables.atomic():
            self.tables.insert_many("baselines", [{**row, "accepted_at": now, "accepted_by": by, "note": note,
                                                   "kind": "initial"} for row in rows])
            self.tables.insert_many("audit", [{"at": now, "actor": by, "action": "baseline-initial",
                                               "target": row["source_id"], "note": note,
                                               "data": to_json({"capture_id": row["capture_id"]})} for row in rows])

    def baselines_of(self, source_key: str) -> list[dict[str, Any]]:
        return list(self.tables.query("select * from baselines where source_key = ? order by id", [source_key]))

    # -- evidence accepted from suggestions --------------------------------------------------------------
    def accepted_evidence(self) -> dict[tuple[str, str], str]:
        """(claim key, source key) -> the passage last accepted; a row from before claim keys were kept (one
        whose claim was never judged) is found as ("id:" + claim id, source key)."""
        rows = self.tables.query("select claim_id, claim_key, source_key, text from evidence order by id")
        return {(r["claim_key"] or f"id:{r['claim_id']}", r["source_key"]): r["text"] for r in rows}

    def accept_evidence(self, claim_id: str, source_id: str, text: str, *, by: str, note: str,
                        claim_key: str, source_key: str, checked: dict[str, Any] | None = None) -> None:
        """`checked`: how the passage was checked against the source (score, capture, whether forced)."""
        forced = bool(checked and checked.get("forced"))
        if forced:
            assert checked is not None
            found = "unchecked" if checked.get("score") is None else f"best match {checked['score']:.2f}"
            support = checked.get("support") or {}
            if support.get("label") in ("unsupported", "contradicted"):
                found += f", {support['label']}: {'; '.join(support.get('reasons', []))}"
            note = f"{note} [forced: {found}]"
        with self.tables.atomic():
            self.tables.insert_one("evidence", {"claim_id": claim_id, "source_id": source_id, "text": text,
                                                "claim_key": claim_key, "source_key": source_key,
                                                "accepted_at": clock.isoformat(clock.now()), "accepted_by": by,
                                                "note": note})
            self.audit(by, "evidence-accepted", f"{claim_id}/{source_id}", note, {"text": text, **(checked or {})})

    def evidence_of(self, source_key: str) -> list[dict[str, Any]]:
        """Every evidence passage accepted for a source (by key), oldest first."""
        return list(self.tables.query("select * from evidence where source_key = ? order by id", [source_key]))

    # -- audit -----------------------------------------------------------------------------------------
    # -- snoozes -----------------------------------------------------------------------------------------
    def snooze(self, source_key: str, capture_id: int, payload_digest: str, *, by: str, note: str,
               label: str | None = None) -> None:
        """Snooze a source's findings while its page reads as this payload; audited."""
        with self.tables.atomic():
            self.tables.insert_many("snoozes", [{"source_key": source_key, "source_id": label or source_key,
                                                 "capture_id": capture_id, "payload_digest": payload_digest,
                                                 "snoozed_at": clock.isoformat(clock.now()), "snoozed_by": by,
                                                 "note": note}])
            self.audit(by, "snooze", label or source_key, note,
                       {"capture_id": capture_id, "source_key": source_key, "payload_digest": payload_digest})

    def snoozed_payloads(self) -> dict[str, str]:
        """source key -> the payload its latest snooze holds for (a page that reads otherwise is awake)."""
        rows = self.tables.query("select s.source_key, s.payload_digest from snoozes s join (select source_key, "
                                 "max(id) as id from snoozes group by source_key) m on s.id = m.id")
        return {row["source_key"]: row["payload_digest"] for row in rows}

    def asleep_captures(self) -> set[int]:
        """Captures whose page reads as a snooze holds for: their findings wait until the page changes."""
        rows = self.tables.query(
            "select c.id from captures c join snoozes s on c.source_key = s.source_key "
            "and c.payload_digest = s.payload_digest join (select source_key, max(id) as id from snoozes "
            "group by source_key) m on s.id = m.id")
        return {row["id"] for row in rows}

    def snoozes_of(self, source_key: str) -> list[dict[str, Any]]:
        return list(self.tables.query("select * from snoozes where source_key = ? order by id", [source_key]))

    def audit(self, actor: str, action: str, target: str, note: str, data: dict[str, Any] | None = None) -> None:
        """Append to the audit log, in the caller's transaction if there is one."""
        row = {"at": clock.isoformat(clock.now()), "actor": actor, "action": action, "target": target,
               "note": note, "data": to_json(data or {})}
        with self.tables.atomic():  # a savepoint when nested
            self.tables.insert_many("audit", [row])
