"""A run's WARC records, written where they do not hold up the fetch loop.

A re-check of unchanged sources is mostly two small records per source (the request, the 304's revisit),
and serialising, digesting and gzipping them cost as much as the request itself on the fetch loop's core
(bench/run.py's profile: a fifth of a 5,000-source re-check). A large run therefore hands them to a process
of its own (`ProcessWriter`), on the second core, in batches; a small one writes them itself
(`LocalWriter`: starting a process would cost more than it saves). Both give each record a ticket at once,
in order, and say where every ticket's record landed (offset, length) when the file is closed: a run indexes
its captures only after that, so nothing waits for a record's place while fetching.

What is decided about a record (which payload a revisit refers to, the record ids) is decided by the run,
before the record is handed over; the writer only writes, in the order it was given, into the one file.
Should the run die without a word, the writer sees its pipe close and leaves the file `.open`, as a run
killed while writing it itself would: the next run recovers its whole records.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from abc import ABC, abstractmethod
from array import array
from collections.abc import Sequence
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from claimcheck.core import signals
from claimcheck.core.errors import StoreError
from claimcheck.net.records import Hop
from claimcheck.store.archive import KnownPayload, RecordRef, WarcFile

Place = tuple[int, int]  # (offset, length) of a record in the file


class RecordWriter(ABC):
    """One WARC file being written, a ticket per record whose place the index needs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.tickets = 0
        self.places: Sequence[Place] = ()  # by ticket, once the file is closed

    def locate(self, row: dict[str, Any], key: str) -> dict[str, Any]:
        """The row with its record's file, offset and length in place of the ticket under `key`."""
        ticket = row.pop(key, None)
        if ticket is not None:
            offset, length = self.places[ticket]
            row.update(warc_file=self.name, warc_offset=offset, warc_length=length)
        return row

    def _ticket(self) -> int:
        self.tickets += 1
        return self.tickets - 1

    @abstractmethod
    def hop(self, hop: Hop, digest: str, earlier: KnownPayload | None) -> int:
        """A hop's request record and its response: a revisit of `earlier` if given, else the whole response."""

    @abstractmethod
    def request(self, hop: Hop, request_id: str) -> None:
        """The request record of a hop whose response is built elsewhere (`member`), with that record's id."""

    @abstractmethod
    def member(self, member: bytes) -> int:
        """A record already serialised and gzipped."""

    @abstractmethod
    def metadata(self, uri: str, when: datetime, data: dict[str, Any]) -> int:
        """A metadata record (a redirect chain, a failure) as JSON."""

    @abstractmethod
    def close(self) -> Sequence[Place]:
        """Finish the file (fsynced, given its final name); the place of each ticket's record, by ticket (kept
        as `places`)."""

    @abstractmethod
    def close_after_failure(self) -> None:
        """Publish the whole records written so far (a run that failed or was interrupted)."""


def _write(warc: WarcFile, op: tuple[Any, ...]) -> RecordRef | None:
    """Carry out one operation on the file: the same code whichever process runs it."""
    kind = op[0]
    if kind == "hop":
        return warc.write_hop(op[1], op[2], op[3])
    if kind == "request":
        warc.write_request(op[1], op[2])
        return None
    if kind == "member":
        return warc.write_member(op[1], "response")
    if kind == "metadata":
        return warc.write_metadata(op[1], op[2], op[3])
    raise ValueError(f"unknown WARC operation {kind!r}")


class LocalWriter(RecordWriter):
    """Records written by the run itself, as they come."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.warc = WarcFile(path)
        self.closed = False
        self.offsets = array("q")
        self.lengths = array("q")

    def _do(self, op: tuple[Any, ...]) -> int:
        ref = _write(self.warc, op)
        assert ref is not None
        self.offsets.append(ref.offset)
        self.lengths.append(ref.length)
        return self._ticket()

    def hop(self, hop: Hop, digest: str, earlier: KnownPayload | None) -> int:
        return self._do(("hop", hop, digest, earlier))

    def request(self, hop: Hop, request_id: str) -> None:
        _write(self.warc, ("request", hop, request_id))

    def member(self, member: bytes) -> int:
        return self._do(("member", member))

    def metadata(self, uri: str, when: datetime, data: dict[str, Any]) -> int:
        return self._do(("metadata", uri, when, data))

    def close(self) -> Sequence[Place]:
        self.warc.close()
        self.closed = True
        self.places = _places(self.offsets, self.lengths)
        return self.places

    def close_after_failure(self) -> None:
        if not self.closed:  # a run that failed after its file was finished has nothing to publish
            self.warc.close_after_failure()


def _places(offsets: array[int], lengths: array[int]) -> Sequence[Place]:
    return list(zip(offsets, lengths, strict=True))


# A batch goes to the writer when it holds this many operations or bytes of bodies: few enough sends that
# their cost is nothing, small enough that the run never holds much that is not written yet.
BATCH_OPS = 64
BATCH_BYTES = 1 << 20
_PIPE_SIZE = 1 << 20  # Linux lets a pipe buffer this much, so that a send rarely waits for the writer
_F_SETPIPE_SZ = 1031


def _widen(connection: Connection) -> None:
    try:
        fcntl.fcntl(connection.fileno(), _F_SETPIPE_SZ, _PIPE_SIZE)
    except OSError:
        pass  # not Linux, or over the system's limit: sends wait for the writer a little more often


# The writer's command: stop signals are the run's to handle from the first instant (a terminal's Ctrl-C reaches
# the whole process group, and importing takes a moment).
_CHILD = ("import signal, sys\n"
          "for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):\n"
          "    signal.signal(number, signal.SIG_IGN)\n"
          "from claimcheck.store.writer import main\n"
          "main(sys.argv[1:])\n")


class ProcessWriter(RecordWriter):
    """Records written by a process of its own, fed in batches through a pipe."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        if path.exists() or path.with_name(path.name + ".open").exists():
            raise StoreError(f"{path} already exists; WARC files are never overwritten")
        # A command of its own, not multiprocessing: spawn runs the embedding program's main module again in the
        # child (a script without a __main__ guard started a second run), and fork is unsafe in a process with
        # a database connection and threads. It finds claimcheck where this process did.
        inbox_reader, inbox_writer = os.pipe()
        outbox_reader, outbox_writer = os.pipe()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(entry for entry in sys.path if entry)}
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _CHILD, str(path), str(os.getpid()), str(inbox_reader), str(outbox_writer)],
                pass_fds=(inbox_reader, outbox_writer), env=env, stdin=subprocess.DEVNULL)
        except BaseException:
            for fd in (inbox_writer, outbox_reader):
                os.close(fd)
            raise
        finally:
            # The child holds its own copies: once these are closed, the pipes close when either side dies.
            os.close(inbox_reader)
            os.close(outbox_writer)
        self._inbox = Connection(inbox_writer, readable=False)
        self._outbox = Connection(outbox_reader, writable=False)
        _widen(self._inbox)
        self._batch: list[tuple[Any, ...]] = []
        self._bytes = 0
        self._done = False

    def _add(self, op: tuple[Any, ...], size: int = 0) -> None:
        self._batch.append(op)
        self._bytes += size
        if len(self._batch) >= BATCH_OPS or self._bytes >= BATCH_BYTES:
            self._send()

    def _send(self, *final: tuple[Any, ...]) -> None:
        if self._outbox.poll():  # the writer failed (a full disk): the run stops now, not at the end
            self._answer()
        try:
            self._inbox.send([*self._batch, *final])
        except (BrokenPipeError, ConnectionResetError):
            self._answer()  # says why the writer is gone
            raise
        self._batch.clear()
        self._bytes = 0

    def _answer(self) -> Sequence[Place]:
        try:
            answer = self._outbox.recv()
        except EOFError:
            self._done = True
            raise StoreError(f"the process writing {self.name} died "
                             f"(exit code {self._process.poll()}); its whole records are kept") from None
        if answer[0] == "failed":
            _, errno, strerror, message = answer
            raise OSError(errno, strerror) if errno else StoreError(message)
        self._done = True
        return _places(answer[1], answer[2])

    def hop(self, hop: Hop, digest: str, earlier: KnownPayload | None) -> int:
        self._add(("hop", _fields(hop, hop.body), digest, earlier), len(hop.body))
        return self._ticket()

    def request(self, hop: Hop, request_id: str) -> None:
        self._add(("request", _fields(hop, b""), request_id))  # its body goes with `member`, as a whole record

    def member(self, member: bytes) -> int:
        self._add(("member", member), len(member))
        return self._ticket()

    def metadata(self, uri: str, when: datetime, data: dict[str, Any]) -> int:
        self._add(("metadata", uri, when, data))
        return self._ticket()

    def _finish(self, how: str) -> Sequence[Place]:
        try:
            self._send((how,))
            places = self._answer()
        finally:
            self._inbox.close()
            self._join()
        return places

    def _join(self) -> None:
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # pragma: no cover - a writer that neither finishes nor fails
            self._process.kill()
            self._process.wait()
        self._outbox.close()

    def close(self) -> Sequence[Place]:
        places = self._finish("close")
        if len(places) != self.tickets:
            raise StoreError(f"the process writing {self.name} placed {len(places)} records of {self.tickets}")
        self.places = places
        return places

    def close_after_failure(self) -> None:
        if not self._done and not self._inbox.closed:
            try:
                self._finish("abort")
            except (OSError, StoreError):
                pass  # the file could not be finished either: it stays `.open`, recovered by the next run
            return
        if not self._inbox.closed:
            self._inbox.close()
        if not self._outbox.closed:
            self._join()


def _fields(hop: Hop, body: bytes) -> tuple[Any, ...]:
    """A hop as the writer process rebuilds it (`Hop(*fields)`): a tuple pickles in a fraction of a dataclass's
    time, and it is a copy, so the run can empty the hop's body once it is handed over."""
    return (hop.url, hop.status, hop.reason, hop.http_version, hop.headers, hop.request_headers, body, hop.peer,
            hop.started_at)


def _serve(path: str, run_pid: int, inbox: Connection, outbox: Connection) -> None:
    """The writer process: carry out each batch's operations in order until told to close or abort."""
    signals.worker_started(run_pid)  # stop signals are the run's to handle; a run that is gone ends this
    offsets, lengths = array("q"), array("q")
    failure: OSError | StoreError | None = None
    try:
        warc: WarcFile | None = WarcFile(Path(path))
    except (OSError, StoreError) as exc:
        warc, failure = None, exc
        _failed(outbox, exc)
    while True:
        try:
            batch = inbox.recv()
        except EOFError:  # the run died: the file stays `.open`, to be recovered with its whole records
            if warc is not None:
                warc.abandon()
            return
        for op in batch:
            if op[0] in ("close", "abort"):
                if warc is not None:
                    try:
                        if op[0] == "close" and failure is None:
                            warc.close()
                        else:
                            warc.close_after_failure()
                    except OSError as exc:
                        _failed(outbox, exc)
                        return
                outbox.send(("closed", offsets, lengths))  # after a failure the run has read why already
                return
            if failure is not None or warc is None:
                continue  # said once; the run stops at its next send
            if op[0] in ("hop", "request"):
                op = (op[0], Hop(*op[1]), *op[2:])  # sent as its fields (`_fields`)
            try:
                ref = _write(warc, op)
            except (OSError, StoreError) as exc:
                failure = exc
                _failed(outbox, exc)
                continue
            if ref is not None:
                offsets.append(ref.offset)
                lengths.append(ref.length)


def _failed(outbox: Connection, exc: OSError | StoreError) -> None:
    errno = exc.errno if isinstance(exc, OSError) else None
    strerror = exc.strerror if isinstance(exc, OSError) else None
    outbox.send(("failed", errno, strerror, str(exc)))


def main(arguments: list[str]) -> None:
    """The writer process's entry point (`_CHILD`): the file, the run's pid, the two pipes' descriptors."""
    path, run_pid, inbox, outbox = arguments
    _serve(path, int(run_pid), Connection(int(inbox), writable=False), Connection(int(outbox), readable=False))
