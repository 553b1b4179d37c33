"""Table tests of the pure verdict rules: one fetch classified, as urlwatch tables its filters."""

from __future__ import annotations

from typing import Any

import pytest

from claimcheck import outcomes
from claimcheck.rules import classify

PAGE = "https://example.org/news/2024/a-release.html"

CASES: list[tuple[str, dict[str, Any], str]] = [
    ("200 page", {"status": 200}, outcomes.OK),
    ("404", {"status": 404}, outcomes.ROT),
    ("410", {"status": 410}, outcomes.ROT),
    ("403 is a wall, not rot", {"status": 403}, outcomes.BLOCKED),
    ("429 is never rot by itself", {"status": 429}, outcomes.THROTTLED),
    ("503 may pass", {"status": 503}, outcomes.TRANSIENT),
    ("dead DNS", {"status": None, "error_kind": "dns", "error": "no such host"}, outcomes.ROT),
    ("timeout", {"status": None, "error_kind": "timeout", "error": "too slow"}, outcomes.TRANSIENT),
    ("private address refused", {"status": None, "error_kind": "refused-private", "error": "private"},
     outcomes.BLOCKED),
    ("redirected to the home page", {"status": 200, "redirected": True, "final_url": "https://example.org/"},
     outcomes.ROT),
]


@pytest.mark.parametrize(("name", "seen", "expected"), CASES, ids=[case[0] for case in CASES])
def test_classify(name: str, seen: dict[str, Any], expected: str) -> None:
    facts: dict[str, Any] = {"url": PAGE, "status": 200, "error_kind": None, "error": None, "final_url": PAGE,
                             "redirected": False, "headers": {"content-type": "text/html"}, "page_kind": "html",
                             "signals": {}}
    facts.update(seen)
    assert classify(**facts).outcome == expected
