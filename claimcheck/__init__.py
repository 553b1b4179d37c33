"""claimcheck: keeps an article honest about its sources. The library API; the layout is in docs/layout.md.

    claims.yaml ─▶ claims ─▶ capture (fetch, archive: WARC + SQLite) ─▶ reading ─▶ judge ─▶ report

The names below are imported when first used (PEP 562), so that `import claimcheck` and the command line
start fast, and a Ctrl-C while the command starts is a stop like any other, not a traceback.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from claimcheck.core.version import __version__

# Where each name of the library API lives.
_API = {
    "Cite": "claimcheck.claims.load", "Claim": "claimcheck.claims.load", "ClaimsFile": "claimcheck.claims.load",
    "Source": "claimcheck.claims.load", "load_claims": "claimcheck.claims.load",
    "BlockedAddress": "claimcheck.core.errors", "ClaimcheckError": "claimcheck.core.errors",
    "ClaimsFileError": "claimcheck.core.errors", "FetchError": "claimcheck.core.errors",
    "NotFound": "claimcheck.core.errors", "Problem": "claimcheck.core.errors", "StoreError": "claimcheck.core.errors",
    "StoreLocked": "claimcheck.core.errors",
    "ExitCode": "claimcheck.core.verdicts", "Level": "claimcheck.core.verdicts", "Verdict": "claimcheck.core.verdicts",
    "Support": "claimcheck.entail", "support": "claimcheck.entail",
    "FetchOptions": "claimcheck.net.records",
    "CheckOutcome": "claimcheck.pipeline", "FetchOutcome": "claimcheck.pipeline", "RunSettings": "claimcheck.pipeline",
    "check_claims": "claimcheck.pipeline", "fetch_sources": "claimcheck.pipeline", "open_run": "claimcheck.pipeline",
    "fetch_shard": "claimcheck.pipeline", "judge_run": "claimcheck.pipeline",
    "extract_page": "claimcheck.reading.kinds", "Suggestion": "claimcheck.reading.match",
    "suggest": "claimcheck.reading.match", "Extracted": "claimcheck.reading.payload",
    "Policy": "claimcheck.settings", "Store": "claimcheck.store",
}

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
    "Store",
    "StoreError",
    "StoreLocked",
    "Suggestion",
    "Support",
    "Verdict",
    "__version__",
    "check_claims",
    "extract_page",
    "fetch_shard",
    "fetch_sources",
    "judge_run",
    "load_claims",
    "open_run",
    "suggest",
    "support",
]


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value  # once: later lookups find it directly
        return value
    raise AttributeError(f"module 'claimcheck' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # the same names, for type checkers and editors
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
    from claimcheck.entail import Support, support
    from claimcheck.net.records import FetchOptions
    from claimcheck.pipeline import (
        CheckOutcome,
        FetchOutcome,
        RunSettings,
        check_claims,
        fetch_shard,
        fetch_sources,
        judge_run,
        open_run,
    )
    from claimcheck.reading.kinds import extract_page
    from claimcheck.reading.match import Suggestion, suggest
    from claimcheck.reading.payload import Extracted
    from claimcheck.settings import Policy
    from claimcheck.store import Store
