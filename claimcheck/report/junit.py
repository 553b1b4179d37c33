"""`--format junit`: one testcase per claim, for CI dashboards.

ok passes, a notice (unchecked, blocked, unreachable) is skipped, a warning or an error fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree as ET

from ..verdicts import Level
from . import ClaimReport, ReportData, clean


def render(data: ReportData) -> Iterator[str]:
    """A testsuite element written a testcase at a time; the suite's counts come from a first pass."""
    failures = skipped = 0
    for claim in data.claims:
        failures += claim.status.level in (Level.WARNING, Level.ERROR)
        skipped += claim.status.level is Level.NOTICE
    suite = ET.Element("testsuite", name="claimcheck", tests=str(len(data.claims)), failures=str(failures),
                       errors="0", skipped=str(skipped), timestamp=str(data.run["started_at"]))
    ET.SubElement(suite, _CASES)
    # ElementTree writes the suite's tag and attributes; the testcases go where the placeholder is.
    opening, closing = ET.tostring(suite, encoding="unicode", xml_declaration=True).split(f"<{_CASES} />")
    yield opening
    for claim in data.claims:
        yield ET.tostring(_case(claim), encoding="unicode")
    yield closing + "\n"


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
