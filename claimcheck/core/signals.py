"""Stopping when a scheduler says so: SIGINT (Ctrl-C), SIGTERM (`timeout`, CI cancellation, systemd) and SIGHUP
become `Interrupted`, raised in the main thread, so that every stage unwinds as it does on any error:
transactions roll back, the WARC file in progress is closed, the run is marked interrupted, and the
extraction workers are stopped. A second signal while that happens stops the process at once.

Worker processes ignore these signals (a terminal's Ctrl-C reaches the whole process group) and are stopped
by the run instead; should the run itself die without a word (SIGKILL), each worker notices that its parent
is gone and exits, so that no process outlives the run.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from claimcheck.core.errors import Interrupted

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def exit_code(signum: int) -> int:
    """The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP)."""
    return 128 + signum


def stop_children() -> None:
    """Kill this process's worker processes at once: they hold nothing that needs saving."""
    for child in multiprocessing.active_children():
        child.kill()
    for child in multiprocessing.active_children():
        child.join(timeout=2)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    for number in STOP_SIGNALS:
        signal.signal(number, _stop_now)
    raise Interrupted(signum)


def _stop_now(signum: int, frame: FrameType | None) -> None:
    stop_children()
    os._exit(exit_code(signum))


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, a stop signal raises `Interrupted` in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread (e.g. a test's runner thread)
        return
    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    for number in STOP_SIGNALS:
        signal.signal(number, _interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


_RUN_POLL = 0.5  # seconds


def _alive(pid: int) -> bool:
    """Whether a process still runs (a zombie, dead but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc here: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def worker_started(run_pid: int) -> None:
    """In a worker process: leave stop signals to the run, and exit when the run is gone.

    The run, not the worker's parent: a forkserver's workers are its children, and the forkserver itself
    lives for as long as any of them does (each holds its liveness pipe), so only the run's own end says
    that nobody will ever collect their work."""
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)

    def watch() -> None:
        while _alive(run_pid):
            time.sleep(_RUN_POLL)
        os._exit(0)

    threading.Thread(target=watch, name="claimcheck-run-watch", daemon=True).start()
