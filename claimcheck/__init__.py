"""claimcheck: keeps an article honest about its sources. The library API; the layout is in docs/layout.md.

    claims.yaml ─▶ claims ─▶ capture (fetch, archive: WARC + SQLite) ─▶ reading ─▶ judge ─▶ report
"""

from claimcheck.claims.load import Cite, Claim, ClaimsFile, Source, load_claims
from claimcheck.core.errors import (
    BlockedAddress,
    ClaimcheckError,
    ClaimsFileError,
    FetchError,
    NotFound,
    Problem,
    StoreError,
    StoreLocked,
)
from claimcheck.core.verdicts import ExitCode, Level, Verdict
from claimcheck.core.version import __version__
from claimcheck.entail import Support, support
from claimcheck.net.records import FetchOptions
from claimcheck.pipeline import CheckOutcome, FetchOutcome, RunSettings, check_claims, fetch_sources
from claimcheck.reading.kinds import extract_page
from claimcheck.reading.match import Suggestion, suggest
from claimcheck.reading.payload import Extracted
from claimcheck.settings import Policy
from claimcheck.store import Store

__all__ = [
    "BlockedAddress",
    "CheckOutcome",
    "Cite",
    "Claim",
    "ClaimcheckError",
    "ClaimsFile",
    "ClaimsFileError",
    "ExitCode",
    "Extracted",
    "FetchError",
    "FetchOptions",
    "FetchOutcome",
    "Level",
    "NotFound",
    "Policy",
    "Problem",
    "RunSettings",
    "Source",
    "Suggestion",
    "Store",
    "StoreError",
    "StoreLocked",
    "Support",
    "Verdict",
    "__version__",
    "check_claims",
    "extract_page",
    "fetch_sources",
    "load_claims",
    "suggest",
    "support",
]
