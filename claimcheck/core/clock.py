"""The clock, in one place: `CLAIMCHECK_NOW` (ISO 8601) pins it for tests and back-fills."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from claimcheck.core.errors import ClaimcheckError

NOW_VARIABLE = "CLAIMCHECK_NOW"


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; a naive one is taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def now() -> datetime:
    """The current instant in UTC, or the one `CLAIMCHECK_NOW` sets."""
    pinned = os.environ.get(NOW_VARIABLE)
    if pinned:
        try:
            return parse_instant(pinned)
        except ValueError:
            raise ClaimcheckError(
                f"{NOW_VARIABLE}={pinned!r} is not an ISO 8601 date-time (e.g. 2026-01-31T12:00:00Z)"
            ) from None
    return datetime.now(timezone.utc)


def isoformat(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
