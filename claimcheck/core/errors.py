"""The one exception tree of claimcheck.

    ClaimcheckError
    ├── ClaimsFileError      the claims file is unreadable or invalid (carries every Problem)
    ├── StoreError           the store cannot be used
    │   ├── StoreLocked      another run holds the store's lock
    │   ├── NotFound         a source, claim or capture named by the user does not exist
    │   └── RunNotOpen       a sharded run that cannot take this step (not open, shards unfinished)
    ├── Refused              a review action the archive does not bear out (accepting a failed capture,
    │                        evidence the source does not hold)
    └── FetchError           one source could not be fetched (kept as data, never aborts a run)
        ├── BlockedAddress   the address is private/loopback/reserved and private access is off
        ├── DNSError         the host name does not resolve
        ├── BodyTooLarge     the body (raw or decompressed) is over the cap
        ├── TooManyRedirects redirect chain too long, or a loop
        ├── UnsupportedURL   not http(s), or not a URL at all
        ├── ConnectionFailed refused, reset, TLS or protocol error
        └── Timeout          no complete answer within the time allowed

    Interrupted              a stop signal (SIGINT, SIGTERM, SIGHUP) arrived; a BaseException, as
                             KeyboardInterrupt is, so that no `except Exception` swallows it

The CLI turns these into one-line messages and exit codes in a single place (cli.py).
"""

from __future__ import annotations

from dataclasses import dataclass


class ClaimcheckError(Exception):
    """Root of every error claimcheck raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a claims file, located for the person who must fix it."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ClaimsFileError(ClaimcheckError):
    """The claims file is unreadable or invalid."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(ClaimcheckError):
    """The store cannot be used."""


class StoreLocked(StoreError):
    """Another claimcheck run holds the store's lock."""


class NotFound(StoreError):
    """A source, claim or capture named by the user does not exist."""


class RunNotOpen(StoreError):
    """A run fetched in shards cannot take this step: it is not open, or some of its shards have not finished."""


class Refused(ClaimcheckError):
    """A review action the archive does not bear out: nothing was written."""


class FetchError(ClaimcheckError):
    """One source could not be fetched; `kind` names the failure for the verdict rules."""

    kind = "error"

    def __init__(self, message: str, url: str = "") -> None:
        self.url = url
        super().__init__(message)


class BlockedAddress(FetchError):
    """The address is private, loopback, link-local or reserved, and private access is off."""

    kind = "refused-private"


class DNSError(FetchError):
    """The host name does not resolve."""

    kind = "dns"


class BodyTooLarge(FetchError):
    """The body, raw or decompressed, is over the configured cap."""

    kind = "too-large"


class TooManyRedirects(FetchError):
    """The redirect chain is too long or loops."""

    kind = "redirect-loop"


class UnsupportedURL(FetchError):
    """Not an http(s) URL."""

    kind = "bad-url"


class ConnectionFailed(FetchError):
    """The connection failed: refused, reset, TLS or protocol error."""

    kind = "connect"


class Timeout(FetchError):
    """The request took longer than its limit."""

    kind = "timeout"


class Interrupted(BaseException):
    """A stop signal arrived: the run unwinds, is marked interrupted, and the process exits 128 + the signal."""

    def __init__(self, signum: int) -> None:
        import signal

        self.signum = signum
        self.name = signal.Signals(signum).name
        self.run_id: int | None = None  # the run it stopped, once that is marked
        self.reported = False  # the command already said so (or was told to keep quiet)
        super().__init__(f"interrupted by {self.name}")
