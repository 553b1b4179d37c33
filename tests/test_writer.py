"""WARC records written by a process of their own (`store/writer.py`): the same records in the same order as
the run would write them itself, each ticket placed where its record is, failures and deaths on either side
ending with the archive intact and no process left behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import WORLD_PATHS, Runner, write_claims
from warcio.archiveiterator import ArchiveIterator
from world import Site

from claimcheck.core.errors import StoreError
from claimcheck.core.signals import _alive
from claimcheck.net.records import Hop
from claimcheck.store.archive import KnownPayload, payload_digest, read_payload, recover_open_files
from claimcheck.store.writer import BATCH_BYTES, BATCH_OPS, LocalWriter, ProcessWriter, RecordWriter

WHEN = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def hop(i: int, status: int = 200, body: bytes = b"") -> Hop:
    return Hop(f"http://example.org/{i}", status, "OK" if status == 200 else "Not Modified", "HTTP/1.1",
               [("Content-Type", "text/html"), ("ETag", f'"e{i}"')], [("Host", "example.org"), ("Accept", "*/*")],
               body, "93.184.216.34", WHEN)


def write_all(writer: RecordWriter) -> list[tuple[int, str, str]]:
    """A run's mix: 304s, new bodies, a revisit, a body over the batch's byte bound, metadata; (ticket, type,
    URI) of every record whose place is asked."""
    wanted = []
    big = os.urandom(BATCH_BYTES // 2).hex().encode()  # over the byte bound: a batch leaves early
    for i in range(BATCH_OPS * 2 + 5):  # more than two batches by count
        if i % 10 == 3:
            body = big if i == 3 else f"<p>page {i}</p>".encode()
            wanted.append((writer.hop(hop(i, body=body), payload_digest(body), None), "response", hop(i).url))
        elif i % 10 == 7:
            body = b"<p>page 3 again</p>"
            earlier = KnownPayload("http://example.org/3", "2026-11-25T12:00:00Z")
            wanted.append((writer.hop(hop(i, body=body), payload_digest(body), earlier), "revisit", hop(i).url))
        elif i % 10 == 9:
            wanted.append((writer.metadata(hop(i).url, WHEN, {"error": "refused", "n": i}), "metadata", hop(i).url))
        else:
            wanted.append((writer.hop(hop(i, 304), payload_digest(b""), None), "response", hop(i).url))
    return wanted


def read_back(path: Path, offset: int) -> tuple[str, str]:
    with open(path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record.rec_type, record.rec_headers.get_header("WARC-Target-URI")


def kinds(path: Path) -> list[tuple[str, str]]:
    with open(path, "rb") as stream:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI") or "") for r in ArchiveIterator(stream)]


def test_a_writer_process_writes_what_the_run_would_and_says_where(tmp_path: Path) -> None:
    written = {}
    for name, kind in (("local", LocalWriter), ("process", ProcessWriter)):
        path = tmp_path / f"{name}.warc.gz"
        writer = kind(path)
        wanted = write_all(writer)
        places = writer.close()
        assert len(places) == len(wanted) == writer.tickets
        for ticket, record_type, uri in wanted:
            offset, length = places[ticket]
            assert read_back(path, offset) == (record_type, uri)
            assert length > 0
        assert not path.with_name(path.name + ".open").exists()
        checked = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True,
                                 text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        written[name] = kinds(path)
    assert written["local"] == written["process"]  # the same records in the same order


def test_a_new_payload_built_elsewhere_is_appended_whole(tmp_path: Path) -> None:
    from claimcheck.store.archive import ResponseRecord, record_id
    page = hop(1, body=b"<html><p>A new page.</p></html>")
    writer = ProcessWriter(tmp_path / "a.warc.gz")
    request_id = record_id()
    writer.request(page, request_id)
    ticket = writer.member(ResponseRecord.of(page, payload_digest(page.body), request_id).member(page.body))
    places = writer.close()
    body, headers = read_payload(tmp_path / "a.warc.gz", places[ticket][0])
    assert body == page.body and ("ETag", '"e1"') in headers
    with open(tmp_path / "a.warc.gz", "rb") as stream:
        found = [r for r in ArchiveIterator(stream) if r.rec_type in ("request", "response")]
    assert found[0].rec_headers.get_header("WARC-Record-ID") == request_id
    assert found[1].rec_headers.get_header("WARC-Concurrent-To") == request_id


def test_a_file_that_exists_is_never_written_by_a_writer_process(tmp_path: Path) -> None:
    taken = tmp_path / "taken.warc.gz"
    taken.write_bytes(b"precious")
    with pytest.raises(StoreError, match="never overwritten"):
        ProcessWriter(taken)
    assert taken.read_bytes() == b"precious"


def test_a_writer_that_cannot_create_its_file_fails_the_run_in_one_line(tmp_path: Path) -> None:
    writer = ProcessWriter(tmp_path / "no-such-folder" / "a.warc.gz")
    with pytest.raises(OSError) as failure:
        for i in range(BATCH_OPS * 3):  # the failure is read at a later send, or at the latest when closing
            writer.hop(hop(i, 304), payload_digest(b""), None)
        writer.close()
    assert failure.value.strerror  # what the CLI prints after "cannot write to the store"
    writer.close_after_failure()  # what the run does next: nothing left to do, nothing left running
    assert writer._process.poll() is not None


def test_an_aborted_writer_publishes_its_whole_records(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    writer = ProcessWriter(path)
    for i in range(5):
        writer.hop(hop(i, 304), payload_digest(b""), None)
    writer.close_after_failure()  # an interrupted run
    assert path.exists() and not path.with_name(path.name + ".open").exists()
    assert [kind for kind, _ in kinds(path)] == ["warcinfo"] + ["request", "response"] * 5


def test_a_writer_whose_run_dies_leaves_its_file_to_be_recovered(tmp_path: Path) -> None:
    """The run is SIGKILLed with records still to write: its writer sees the pipe close, leaves the file `.open`
    and exits; the next run recovers the file's whole records."""
    path = tmp_path / "a.warc.gz"
    script = ("import sys, os, signal, time\n"
              "from pathlib import Path\n"
              "sys.path[:0] = [sys.argv[2]]\n"
              "from test_writer import hop\n"
              "from claimcheck.store.archive import payload_digest\n"
              "from claimcheck.store.writer import ProcessWriter\n"
              "writer = ProcessWriter(Path(sys.argv[1]))\n"
              "for i in range(200):\n"
              "    writer.hop(hop(i, 304), payload_digest(b''), None)\n"
              "print(writer._process.pid, flush=True)\n"
              "time.sleep(60)\n")
    run = subprocess.Popen([sys.executable, "-c", script, str(path), str(Path(__file__).parent)],
                           stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    child = int(run.stdout.readline())
    time.sleep(0.5)  # the writer has started and written what it was sent
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the writer outlived its run"
    assert not path.exists() and path.with_name(path.name + ".open").exists()
    [recovered] = recover_open_files(tmp_path)
    assert recovered == path
    found = kinds(path)
    assert found[0][0] == "warcinfo" and len(found) == 1 + 2 * 192  # three full batches were sent; 8 were not


def test_an_embedding_script_without_a_main_guard_runs_once(tmp_path: Path, world: Site) -> None:
    """The writer is a command of its own: a script calling claimcheck at its top level (no `__main__` guard)
    is not run again in the writer's process, as multiprocessing's spawn would."""
    claims = write_claims(tmp_path, world)
    script = tmp_path / "nightly.py"
    script.write_text("import sys\n"
                      "from claimcheck.cli.main import cli\n"
                      f"cli(['--claims', {str(claims)!r}, '--store', {str(tmp_path / 'store')!r}, 'check', "
                      "'--quiet', '--host-request-interval', '0'], standalone_mode=False)\n"
                      "print('ran once')\n")
    env = {**os.environ, "CLAIMCHECK_ALLOW_PRIVATE": "1", "CLAIMCHECK_TIMEGATE": "none",
           "CLAIMCHECK_NOW": "2026-11-26T12:00:00Z", "CLAIMCHECK_PARALLEL_FROM": "1"}
    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ran once") == 1
    import sqlite3
    db = sqlite3.connect(tmp_path / "store" / "claimcheck.db")
    assert db.execute("select count(*), min(status) from runs").fetchone() == (1, "complete")
    assert db.execute("select count(*) from captures").fetchone()[0] == len(WORLD_PATHS)


def test_a_small_world_checked_by_processes_reports_what_one_process_does(tmp_path: Path, world: Site,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """CLAIMCHECK_PARALLEL_FROM=1 runs even a small world with the writer process and extraction workers: the
    reports and the archived records are those of the run that did everything itself."""
    outputs = {}
    for parallel in ("1", "1000"):
        monkeypatch.setenv("CLAIMCHECK_PARALLEL_FROM", parallel)
        folder = tmp_path / "run"  # the same paths both times: the reports name them
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        claims = write_claims(folder, world)
        run = Runner(claims, folder / "store")
        first = run("check", "--format", "json")
        for route in world.routes.values():
            route.etag = False  # the same bytes again, unconditionally: revisits
        again = run("check", "--format", "json", now="2026-11-27T12:00:00Z")
        for route in world.routes.values():
            route.etag = True
        assert first.exit_code == again.exit_code == 0, first.output + again.output
        files = sorted((folder / "store" / "warc").glob("*.warc.gz"))
        outputs[parallel] = (json.loads(first.stdout), json.loads(again.stdout),
                             [sorted(kinds(path)) for path in files])
        records = outputs[parallel][2]
        assert len(records) == 2 and ("revisit", world.url(WORLD_PATHS["intel-2023-packaging"][0])) in records[1]
    assert outputs["1"] == outputs["1000"]
