"""`--format junit`: one testcase per claim, for CI dashboards.

ok passes, a notice (unchecked, blocked, unreachable) is skipped, a warning or an error fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from xml.etree import ElementTree as ET

from claimcheck.core.verdicts import Level, Verdict
from claimcheck.report.model import ClaimReport, ReportData, clean


def render(data: ReportData) -> Iterator[str]:
    """A testsuite element written a testcase at a time, its counts taken from the claims' statuses. With
    several articles, a <testsuites> holding one testsuite per article, the claims read once, in order."""
    if not data.several:
        yield from _suite(data, "claimcheck", data.claim_summary, data.claims, xml_declaration=True)
        yield "\n"
        return
    yield '<?xml version=\'1.0\' encoding=\'utf-8\'?>\n<testsuites name="claimcheck">'
    articles = {article.label: article for article in data.articles}
    for label, claims in groupby(data.claims, key=lambda claim: claim.article):
        article = articles.get(label)
        name = (article.title or str(article.file)) if article else str(label)
        yield from _suite(data, name, article.claim_summary if article else {}, claims, xml_declaration=False,
                          file=str(article.file) if article else None)
    yield "</testsuites>\n"


def _suite(data: ReportData, name: str, statuses: dict[str, int], claims: Iterable[ClaimReport], *,
           xml_declaration: bool, file: str | None = None) -> Iterator[str]:
    levels = {Verdict(status).level: 0 for status in statuses}
    for status, count in statuses.items():
        levels[Verdict(status).level] += count
    failures = levels.get(Level.WARNING, 0) + levels.get(Level.ERROR, 0)
    suite = ET.Element("testsuite", name=name, tests=str(sum(statuses.values())), failures=str(failures),
                       errors="0", skipped=str(levels.get(Level.NOTICE, 0)), timestamp=str(data.run["started_at"]))
    if file is not None:
        suite.set("file", file)
    ET.SubElement(suite, _CASES)
    # ElementTree writes the suite's tag and attributes; the testcases go where the placeholder is.
    opening, closing = ET.tostring(suite, encoding="unicode", xml_declaration=xml_declaration).split(
        f"<{_CASES} />")
    yield opening
    for claim in claims:
        yield ET.tostring(_case(claim), encoding="unicode")
    yield closing


_CASES = "claimcheck-testcases"


def _case(claim: ClaimReport) -> ET.Element:
    case = ET.Element("testcase", classname="claimcheck.claims", name=claim.id)
    message = "; ".join(f"{s['source_id']}: {s['verdict']}" for s in claim.sources)
    details = "\n".join(f"{s['source_id']} ({s['url'] or 'no URL'}): {s['verdict']}: {clean(s['detail'])}"
                        for s in claim.sources)
    if claim.status.level in (Level.WARNING, Level.ERROR):
        failure = ET.SubElement(case, "failure", type=claim.status.value, message=message)
        failure.text = details
    elif claim.status.level is Level.NOTICE:
        ET.SubElement(case, "skipped", message=message)
    ET.SubElement(case, "system-out").text = clean(claim.text) + "\n" + details
    return case
