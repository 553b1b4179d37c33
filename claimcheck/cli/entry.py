"""The console script's entry point: the smallest module there is, so that a Ctrl-C (or SIGTERM) while the
command is still starting (importing the library takes a moment) ends it as a stop, with 130, not a traceback.
Runs that are under way handle their signals themselves (core/signals.py)."""

from __future__ import annotations

import signal
import sys


def main() -> None:
    try:
        from claimcheck.cli.main import main as run

        run()  # installs its own handlers; a Ctrl-C in the instant before they are in place lands below
    except KeyboardInterrupt:
        sys.stderr.write("claimcheck: interrupted by SIGINT\n")
        raise SystemExit(128 + signal.SIGINT) from None
