"""What was read from each payload (title, dates, main and full text) and where evidence passages were found
in it: a payload never changes, so neither does what is read from it with one extractor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from claimcheck.core.compression import deflate
from claimcheck.store.rows import ExtractionRow
from claimcheck.store.tables import Tables


def pack_text(text: str) -> bytes:
    """A text as the store keeps it: a zlib stream (level 2, see `compression`). Plain main and full texts
    made the index twelve times the size of the WARC files on the benchmark's pages; packed, a first check
    writes a quarter of the bytes."""
    return deflate.compress(text.encode("utf-8"), 2)


def unpack_text(value: bytes) -> str:
    return deflate.decompress(value).decode("utf-8")


class Extractions:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def get(self, payload_digest: str) -> ExtractionRow | None:
        row = self.tables.first("select * from extractions where payload_digest = ?", [payload_digest])
        return cast("ExtractionRow | None", row)

    def add(self, row: ExtractionRow, texts: dict[str, str | bytes]) -> None:
        """`texts` by digest, as text or already packed by `pack_text` (worker processes pack them)."""
        self.add_many([(row, texts)])

    def add_many(self, items: list[tuple[ExtractionRow, dict[str, str | bytes]]],
                 evidence_matches: list[dict[str, Any]] | None = None) -> None:
        """Several extractions, and the evidence matches found in them, in one transaction (a first check
        stores thousands)."""
        packed = [{"digest": d, "text": t if isinstance(t, bytes) else pack_text(t)}
                  for _, texts in items for d, t in texts.items()]
        with self.tables.atomic():
            # In key order: shards indexing at once into PostgreSQL then wait on each other, never deadlock.
            self.tables.insert_many("texts", sorted(packed, key=lambda t: t["digest"]), "ignore")
            self.tables.insert_many("extractions", sorted((row for row, _ in items),
                                                          key=lambda r: r["payload_digest"]), "replace")
            self.tables.insert_many("evidence_matches", evidence_matches or [], "replace")

    def of_payloads(self, digests: Iterable[str]) -> dict[str, ExtractionRow]:
        """payload digest -> its extraction row, for many payloads at once."""
        return {row["payload_digest"]: cast(ExtractionRow, row)
                for row in self.tables.rows_where_in("extractions", "payload_digest", digests)}

    def text(self, digest: str | None) -> str | None:
        if not digest:
            return None
        row = self.tables.first("select text from texts where digest = ?", [digest])
        if row is None:
            return None
        value = row["text"]
        return unpack_text(value) if isinstance(value, bytes) else value  # older stores kept plain text

    def evidence_match(self, payload_digest: str, evidence_key: str) -> dict[str, Any] | None:
        return self.tables.first("select * from evidence_matches where payload_digest = ? and evidence_key = ?",
                                 [payload_digest, evidence_key])

    def evidence_matches_of(self, digests: Iterable[str]) -> dict[tuple[str, str], dict[str, Any]]:
        """(payload digest, evidence key) -> where the passage was found, for many payloads at once."""
        return {(row["payload_digest"], row["evidence_key"]): row
                for row in self.tables.rows_where_in("evidence_matches", "payload_digest", digests)}

    def add_evidence_match(self, row: dict[str, Any]) -> None:
        with self.tables.atomic():
            self.tables.insert_many("evidence_matches", [row], "replace")
