"""What one fetch came to, as stored in `captures.outcome`: shared by the verdict rules and the store's SQL."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Outcome(str, Enum):
    """A fetch's outcome; its value is what the store keeps, so members compare equal to stored strings."""

    OK = "ok"
    ROT = "rot"  # 404/410, dead DNS, soft-404, redirect to a home or section page, redirect loop
    TRANSIENT = "transient"  # timeout, reset, 5xx, unreadable body: rot if it persists
    THROTTLED = "throttled"  # 429: never rot by itself
    BLOCKED = "blocked"  # 401/403/451, bot challenge, refused private address
    NETWORK = "network"  # the run's network was down: counts for nothing

    def __str__(self) -> str:  # the stored value in SQL text and messages, on every Python version
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


OK, ROT, TRANSIENT, THROTTLED, BLOCKED, NETWORK = (Outcome.OK, Outcome.ROT, Outcome.TRANSIENT, Outcome.THROTTLED,
                                                   Outcome.BLOCKED, Outcome.NETWORK)

# The reason recorded when a page reads like what its site answers for a made-up URL (a capture also says so
# in its soft404_probe column).
SOFT404_BY_PROBE = "soft-404: the page matches what the site answers for a made-up URL"


@dataclass(frozen=True)
class Classified:
    """An outcome with its reason in words, as one fetch was classified and as judging reads it back."""

    outcome: Outcome
    reason: str
