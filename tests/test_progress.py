"""A progress bar on a terminal during fetch; silence when not a terminal or with --quiet."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from conftest import Runner, write_claims
from world import Site


def run_on_terminal(tmp_path: Path, site: Site, *extra: str) -> str:
    claims = write_claims(tmp_path, site)
    master, slave = pty.openpty()
    env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_NOW": "2026-11-25T12:00:00Z"}
    process = subprocess.Popen(
        [sys.executable, "-m", "claimcheck", "--claims", str(claims), "--store", str(tmp_path / "store"), "check",
         "--host-request-interval", "0", "--format", "json", *extra],
        stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        seen += chunk
    process.wait(timeout=30)
    os.close(master)
    return seen.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal(tmp_path: Path, world: Site) -> None:
    shown = run_on_terminal(tmp_path, world)
    assert "checking" in shown
    assert "5/5" in shown


def test_quiet_on_a_terminal(tmp_path: Path, world: Site) -> None:
    assert "checking" not in run_on_terminal(tmp_path, world, "--quiet")


def test_silent_when_not_a_terminal(run: Runner) -> None:
    result = run("check")
    assert "checking" not in result.stderr
