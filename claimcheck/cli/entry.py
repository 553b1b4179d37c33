"""The console script's entry point: the smallest module there is, so that a Ctrl-C (or SIGTERM) while the
command is still starting (importing the library takes a moment) ends it as a stop, with 130, not a traceback."""

from __future__ import annotations

import signal
import sys


def main() -> None:
    try:
        from claimcheck.cli.main import main as run
    except KeyboardInterrupt:
        sys.stderr.write("claimcheck: interrupted by SIGINT\n")
        raise SystemExit(128 + signal.SIGINT) from None
    run()
