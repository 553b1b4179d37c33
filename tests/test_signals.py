"""A scheduler stops a run with a signal: every child process ends with it, the run is marked interrupted,
the store stays consistent, and the exit code says which signal it was (128 + its number).

These run the real command in a process of its own (a session of its own, so that every process it starts
can be counted afterwards) against a local site whose last pages never answer in time.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from world import Site

from claimcheck.capture.stage import PARALLEL_EXTRACTION_FROM

FAST = PARALLEL_EXTRACTION_FROM + 6  # pages that answer at once: enough for the extraction workers to start
SLOW = 6  # pages that hold the run until it is stopped


def _write_claims(directory: Path, site: Site) -> Path:
    lines = ["sources:"]
    for i in range(FAST + SLOW):
        path = f"/news/{i}.html"
        body = (f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
                f"<p>Story number {i} says the packaging plant opened on time and on budget.</p>"
                "</article></body></html>")
        site.page(path, body, delay=60.0 if i >= FAST else 0.0)
        lines += [f"  s{i}:", "    publisher: P", f"    title: Story {i}", f"    url: {site.url(path)}"]
    lines.append("claims:")
    for i in range(FAST + SLOW):
        lines += [f"  - id: c{i}", f"    text: Claim {i}.", "    cites:", f"      - s{i}"]
    claims = directory / "claims.yaml"
    claims.write_text("\n".join(lines) + "\n")
    return claims


def _session(sid: int) -> list[int]:
    """The processes still alive in a session (zombies, already ended, do not count)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _, _, session = stat.rsplit(")", 1)[1].split()[:4]
        if int(session) == sid and state != "Z":
            found.append(int(entry.name))
    return found


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def _start(tmp_path: Path, site: Site, *extra: str) -> subprocess.Popen[str]:
    claims = _write_claims(tmp_path, site)
    env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none"}
    return subprocess.Popen(
        [sys.executable, "-m", "claimcheck", "--claims", str(claims), "--store", str(tmp_path / "store"), "check",
         "--host-request-interval", "0", "--max-concurrency", "8", "--host-concurrency", "8",
         "--no-soft404-probe", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


def _under_way(process: subprocess.Popen[str], site: Site) -> None:
    """The fast pages are fetched and the workers are up: the run waits on the slow ones."""
    assert _wait_for(lambda: len(site.requests) >= FAST + SLOW, 60), "the run never reached the slow pages"
    # The run, its forkserver and workers, and multiprocessing's resource tracker.
    assert _wait_for(lambda: len(_session(process.pid)) >= 3, 30), _session(process.pid)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)])
def test_a_stop_signal_ends_every_process_and_marks_the_run(tmp_path: Path, site: Site, signum: int,
                                                             code: int) -> None:
    process = _start(tmp_path, site)
    try:
        _under_way(process, site)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == code, stderr
    # Every child ends with the run, within a few seconds.
    assert _wait_for(lambda: not _session(process.pid), 5), f"left running: {_session(process.pid)}"
    name = signal.Signals(signum).name
    assert "Traceback" not in stderr
    assert f"claimcheck: interrupted by {name}: run 1 is marked interrupted" in stderr
    store = tmp_path / "store"
    db = sqlite3.connect(store / "claimcheck.db")
    status, summary = db.execute("select status, summary from runs where id = 1").fetchone()
    assert status == "interrupted" and json.loads(summary) == {"interrupted_by": name}
    assert db.execute("select count(*) from captures").fetchone()[0] == 0  # nothing half-indexed
    assert db.execute("select count(*) from findings").fetchone()[0] == 0
    # What was fetched is archived in a finished WARC file, not left open.
    assert not list((store / "warc").glob("*.open"))
    assert list((store / "warc").glob("*.warc.gz"))


def test_quiet_says_nothing_when_interrupted(tmp_path: Path, site: Site) -> None:
    process = _start(tmp_path, site, "--quiet")
    try:
        _under_way(process, site)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 143
    assert stderr == ""


def test_a_killed_run_leaves_nothing_behind_for_long(tmp_path: Path, site: Site) -> None:
    """SIGKILL cannot be caught: the workers notice their run is gone and end; the next run publishes the WARC
    file left open and marks the dead run interrupted."""
    process = _start(tmp_path, site)
    try:
        _under_way(process, site)
        process.kill()
        process.wait(timeout=20)  # reaped at once, as a scheduler reaps what it kills
        process.communicate(timeout=20)
        assert _wait_for(lambda: not _session(process.pid), 10), f"left running: {_session(process.pid)}"
    finally:
        if _session(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
    store = tmp_path / "store"
    assert list((store / "warc").glob("*.open"))
    for i in range(FAST, FAST + SLOW):
        site.routes[f"/news/{i}.html"].delay = 0.0
    again = _start(tmp_path, site)
    _, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    assert not list((store / "warc").glob("*.open"))
    db = sqlite3.connect(store / "claimcheck.db")
    assert db.execute("select status from runs order by id").fetchall() == [("interrupted",), ("complete",)]
    assert db.execute("select count(*) from audit where action = 'warc-recovered'").fetchone()[0] == 1
    report = subprocess.run([sys.executable, "-m", "claimcheck", "--claims", str(tmp_path / "claims.yaml"),
                             "--store", str(store), "report", "--run", "1"], capture_output=True, text=True)
    assert report.returncode == 2
    assert report.stderr.strip() == ("claimcheck: run 1 was interrupted before it gave its verdicts (started "
                                     + db.execute("select started_at from runs where id = 1").fetchone()[0]
                                     + "); nothing of it was indexed; the last complete check is run 2")


# The signal lands while the library is being imported (about half a second on a cold start): after the
# interpreter itself has started, whose own start-up no program can shield (Python prints that traceback).
@pytest.mark.parametrize("delay", [0.2, 0.35, 0.5])
def test_ctrl_c_while_the_command_starts_is_a_stop_not_a_traceback(delay: float) -> None:
    script = Path(sys.executable).with_name("claimcheck")  # the console script a user runs
    start = [str(script)] if script.exists() else [sys.executable, "-m", "claimcheck"]
    command = [*start, "--claims", str(Path(__file__).parent.parent / "claims.yaml"), "lint"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert process.returncode in (130, 0, -signal.SIGINT), stderr  # 0: lint was done before the signal came
