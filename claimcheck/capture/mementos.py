"""Archived copies for what is gone: a step after judging that asks a Memento TimeGate (RFC 7089) for the copy
closest to the cited date of each gone source and missing evidence passage, once per URL and date (the store
remembers every answer), and names it in the finding."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from claimcheck.claims.load import ClaimsFile
from claimcheck.core import clock
from claimcheck.core.verdicts import Verdict
from claimcheck.net.fetch import run_fetch
from claimcheck.net.memento import accept_datetime, memento_from, timegate_url
from claimcheck.settings import NETWORK_ERROR_KINDS, RunSettings
from claimcheck.store import Store

MEMENTO_VERDICTS = frozenset({Verdict.GONE.value, Verdict.EVIDENCE_MISSING.value})


def suggest_mementos(claims: ClaimsFile, store: Store, settings: RunSettings, findings: list[dict[str, Any]],
                      *, online: bool) -> None:
    """For gone sources and missing evidence: the archived copy closest to the cited date, as the suggestion."""
    wanted = {f["source_id"] for f in findings if f["verdict"] in MEMENTO_VERDICTS and f["url"]}
    if not wanted or settings.timegate is None:
        return
    asked: dict[str, tuple[str, str]] = {}  # source id -> (url, Accept-Datetime)
    for source_id in wanted:
        source = claims.sources[source_id]
        assert source.url is not None
        asked[source_id] = (source.url, accept_datetime(source.cited_date, clock.now()))
    missing = {key for key in asked.values() if store.mementos.get(*key) is None}
    if missing and online:
        gate_urls = {timegate_url(settings.timegate, url): (url, when) for url, when in missing}
        options = replace(settings.fetch, follow_redirects=False)
        answers = run_fetch(list(gate_urls), options, resolver=settings.resolver, transport=settings.transport,
                            headers={gate: {"Accept-Datetime": when} for gate, (_, when) in gate_urls.items()})
        for gate, (url, when) in gate_urls.items():
            if answers[gate].error_kind in NETWORK_ERROR_KINDS:
                continue  # ask again next time
            found = memento_from(answers[gate])
            store.mementos.add(url, when, found.url if found else None, found.datetime if found else None)
    for finding in findings:
        if finding["verdict"] not in MEMENTO_VERDICTS or finding["source_id"] not in asked:
            continue
        known = store.mementos.get(*asked[finding["source_id"]])
        if known and known["memento_url"]:
            finding["suggested_url"] = known["memento_url"]
            when = f" ({known['memento_datetime']})" if known["memento_datetime"] else ""
            finding["detail"] += f"; archived copy: {known['memento_url']}{when}"
