"""claimcheck: keeps an article honest about its sources.

    claims.yaml ─▶ claims ─▶ fetch ─▶ archive (WARC + SQLite) ─▶ extract ─▶ check ─▶ report
"""

from .rules import Policy
from .claims import Cite, Claim, ClaimsFile, Source, load_claims
from .errors import (
                     BlockedAddress,
                     ClaimcheckError,
                     ClaimsFileError,
                     FetchError,
                     NotFound,
                     Problem,
                     StoreError,
                     StoreLocked,
)
from .kinds import extract_page
from .payload import Extracted
from .fetch import FetchOptions
from .match import Suggestion, suggest
from .pipeline import CheckOutcome, FetchOutcome, RunSettings, check_claims, fetch_sources
from .store import Store
from .verdicts import ExitCode, Level, Verdict
from .version import __version__

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
                     "Verdict",
                     "__version__",
                     "check_claims",
                     "extract_page",
                     "fetch_sources",
                     "load_claims",
                     "suggest",
]
