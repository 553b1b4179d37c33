"""`--format junit`: one testcase per claim, for CI dashboards.

ok passes, a notice (unchecked, blocked, unreachable) is skipped, a warning or an error fails.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from ..verdicts import Level
from . import ReportData, clean


def render(data: ReportData) -> str:
    failures = sum(1 for c in data.claims if c.status.level in (Level.WARNING, Level.ERROR))
    skipped = sum(1 for c in data.claims if c.status.level is Level.NOTICE)
    suite = ET.Element("testsuite", name="claimcheck", tests=str(len(data.claims)), failures=str(failures),
                       errors="0", skipped=str(skipped), timestamp=str(data.run["started_at"]))
    for claim in data.claims:
        case = ET.SubElement(suite, "testcase", classname="claimcheck.claims", name=claim.id)
        message = "; ".join(f"{s['source_id']}: {s['verdict']}" for s in claim.sources)
        details = "\n".join(f"{s['source_id']} ({s['url'] or 'no URL'}): {s['verdict']}: {clean(s['detail'])}"
                            for s in claim.sources)
        if claim.status.level in (Level.WARNING, Level.ERROR):
            failure = ET.SubElement(case, "failure", type=claim.status.value, message=message)
            failure.text = details
        elif claim.status.level is Level.NOTICE:
            ET.SubElement(case, "skipped", message=message)
        ET.SubElement(case, "system-out").text = clean(claim.text) + "\n" + details
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
