"""What a fetch or check run is told: options, policy, and the side effects passed in (transport, resolver,
clock through CLAIMCHECK_NOW, progress)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimcheck.net.guard import Resolver, system_resolver
from claimcheck.net.memento import DEFAULT_TIMEGATE
from claimcheck.net.records import FetchOptions
from claimcheck.reading.match import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    import httpx

# Failures that say nothing about a source when every source shows them: the network itself is down.
NETWORK_ERROR_KINDS = frozenset({"dns", "connect", "timeout"})


@dataclass(frozen=True)
class Policy:
    """The thresholds the verdict rules apply."""

    evidence_threshold: float = DEFAULT_THRESHOLD
    change_threshold: float = 0.99  # main-text similarity under which a source has changed
    min_paragraph: int = 40  # an added or removed paragraph this long is a change whatever the similarity
    confirm_checks: int = 3
    confirm_days: float = 3.0


Progress = Callable[[int, int], None]


@dataclass
class RunSettings:
    """Everything a fetch or check run needs besides the claims and the store; side effects passed in."""

    fetch: FetchOptions = field(default_factory=FetchOptions)
    policy: Policy = field(default_factory=Policy)
    offline: bool = False
    resolver: Resolver = system_resolver
    transport: httpx.AsyncBaseTransport | None = None
    progress: Progress | None = None
    lock_wait: float = 0.0
    canary: tuple[str, ...] = ()  # URLs that must answer for the network to count as up
    timegate: str | None = DEFAULT_TIMEGATE  # where archived copies of gone sources are looked up; None: never
    probe_soft404: bool = True  # ask each site what it answers for a made-up URL (once per folder and run)
