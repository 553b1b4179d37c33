"""claimcheck: keeps an article honest about its sources.

    claims.yaml ─▶ claims ─▶ fetch ─▶ archive (WARC + SQLite) ─▶ extract ─▶ check ─▶ report
"""

__version__ = "0.1.0"

from .check import Policy  # noqa: E402
from .claims import Claim, ClaimsFile, Cite, Source, load_claims  # noqa: E402
from .errors import (BlockedAddress, ClaimcheckError, ClaimsFileError, FetchError, NotFound, Problem,  # noqa: E402
                     StoreError, StoreLocked)
from .extract import Extracted, extract_page  # noqa: E402
from .fetch import FetchOptions  # noqa: E402
from .pipeline import CheckOutcome, FetchOutcome, RunSettings, check_claims, fetch_sources  # noqa: E402
from .store import Store  # noqa: E402
from .verdicts import ExitCode, Level, Verdict  # noqa: E402

__all__ = [
    "__version__", "load_claims", "fetch_sources", "check_claims", "extract_page", "Store", "RunSettings",
    "FetchOptions", "Policy", "Claim", "ClaimsFile", "Cite", "Source", "Extracted", "CheckOutcome", "FetchOutcome",
    "Verdict", "Level", "ExitCode", "ClaimcheckError", "ClaimsFileError", "Problem", "StoreError", "StoreLocked",
    "NotFound", "FetchError", "BlockedAddress",
]
