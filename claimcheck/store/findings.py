"""Findings: one verdict per (claim, source) pair per run, and the counts reports are built from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

from claimcheck.core.verdicts import SEVERITY
from claimcheck.store.rows import FindingRow
from claimcheck.store.tables import Tables

# A verdict's place in verdicts.SEVERITY (0 is the worst), for ordering in SQL.
_SEVERITY_RANK = ("case verdict " + " ".join(f"when '{v.value}' then {rank}" for rank, v in enumerate(SEVERITY))
                  + f" else {len(SEVERITY)} end")


class Findings:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, run_id: int, rows: list[dict[str, Any]]) -> None:
        with self.tables.atomic():
            self.tables.insert_many("findings", ({"run_id": run_id, **row} for row in rows))

    def of_run(self, run_id: int) -> list[FindingRow]:
        return list(self.iter_run(run_id))

    def of_claim(self, run_id: int, claim_id: str) -> list[FindingRow]:
        return cast(list[FindingRow], list(self.tables.query(
            "select * from findings where run_id = ? and claim_id = ? order by id", [run_id, claim_id])))

    def iter_run(self, run_id: int) -> Iterator[FindingRow]:
        """A run's findings in the order they were judged, read as they are iterated."""
        return cast(Iterator[FindingRow], self.tables.stream("select * from findings where run_id = ? order by id",
                                                            [run_id]))

    def iter_worst_first(self, run_id: int) -> Iterator[FindingRow]:
        """A run's findings, claims ordered by their worst verdict (then as judged), a claim's findings
        together: one query, sorted by the database, so a report reads them as it writes them. Among claims of one
        status, those whose page changed where the claim's terms are come before those changed elsewhere."""
        return cast(Iterator[FindingRow], self.tables.stream(f"""
            with ranked as (select f.*, {_SEVERITY_RANK} as severity, coalesce(article, '') as article_key
                            from findings f where run_id = ?),
                 by_claim as (select claim_id, min(severity) as claim_severity, min(id) as first_id,
                                     min(case when coalesce(touches_claim, 1) = 0 then 1 else 0 end)
                                         as elsewhere
                              from ranked group by claim_id),
                 by_article as (select article_key, min(severity) as article_severity, min(id) as article_first
                                from ranked group by article_key)
            select ranked.* from ranked join by_claim using (claim_id) join by_article using (article_key)
            order by article_severity, article_first, claim_severity, elsewhere, first_id, ranked.id""",
                                                            [run_id]))

    def claim_status_counts_by_article(self, run_id: int) -> dict[str | None, dict[str, int]]:
        """article -> status -> how many of its claims have it."""
        rows = self.tables.rows(f"""
            select article, claim_severity, count(*) from (
                select article, min({_SEVERITY_RANK}) as claim_severity from findings where run_id = ?
                group by article, claim_id) as claims
            group by article, claim_severity""", [run_id])
        found: dict[str | None, dict[str, int]] = {}
        for article, rank, count in rows:
            found.setdefault(article, {})[SEVERITY[rank].value] = count
        return found

    def claim_status_counts(self, run_id: int) -> dict[str, int]:
        """status -> how many of a run's claims have it (a claim's status is its worst verdict)."""
        rows = self.tables.rows(f"""
            select claim_severity, count(*) from (
                select min({_SEVERITY_RANK}) as claim_severity from findings where run_id = ? group by claim_id)
                as claims
            group by claim_severity""", [run_id])
        return {SEVERITY[rank].value: count for rank, count in rows}

    def article_counts(self, run_id: int) -> dict[str | None, tuple[int, dict[str, int]]]:
        """article -> (how many claims, verdict -> how many pairs), for a run's articles."""
        claims = dict(self.tables.rows(
            "select article, count(distinct claim_id) from findings where run_id = ? group by article",
            [run_id]))
        found: dict[str | None, tuple[int, dict[str, int]]] = {}
        for article, verdict, count in self.tables.rows(
                "select article, verdict, count(*) from findings where run_id = ? group by article, verdict",
                [run_id]):
            found.setdefault(article, (claims.get(article, 0), {}))[1][verdict] = count
        return found

    def without_evidence_count(self, run_id: int) -> int:
        """How many of a run's (claim, source) pairs had no evidence passage to look for."""
        return int(self.tables.scalar("select count(*) from findings where run_id = ? and has_evidence = 0",
                                      [run_id]))

    def verdict_counts(self, run_id: int) -> dict[str, int]:
        """verdict -> how many of a run's findings have it."""
        return dict(self.tables.rows("select verdict, count(*) from findings where run_id = ? group by verdict",
                                     [run_id]))

    def claim_count(self, run_id: int) -> int:
        return int(self.tables.scalar("select count(distinct claim_id) from findings where run_id = ?", [run_id]))

    def sources_with(self, run_id: int, verdicts: Iterable[str]) -> dict[str, tuple[str, int | None, int | None]]:
        """The sources given one of `verdicts` in a run, as label -> (key, baseline capture, capture compared),
        in the order of their first such finding (a finding stored before keys and pairs were kept: its label
        for key, no pair)."""
        wanted = list(verdicts)
        rows = self.tables.rows(
            f"select source_id, coalesce(min(source_key), source_id), min(baseline_capture_id), min(capture_id) "
            f"from findings where run_id = ? and verdict in ({','.join('?' * len(wanted))}) "
            "group by source_id order by min(id)", [run_id, *wanted])
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    def evidence_passages(self, run_id: int) -> dict[str, list[str]]:
        """source id -> the evidence passages its findings in a run found (as found, normalised)."""
        found: dict[str, list[str]] = {}
        for source_id, passage in self.tables.rows(
                "select source_id, evidence_text from findings where run_id = ? and evidence_text is not null "
                "order by id", [run_id]):
            found.setdefault(source_id, []).append(passage)
        return found

    def of_source(self, source_key: str) -> list[dict[str, Any]]:
        return list(self.tables.query(
            "select f.*, r.started_at, r.finished_at from findings f join runs r on r.id = f.run_id "
            "where f.source_key = ? "
            "order by f.run_id, f.id", [source_key]))
