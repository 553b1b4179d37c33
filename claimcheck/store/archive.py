"""Captures as standard WARC 1.1 files, written once and never rewritten.

Each run writes `claimcheck-<time>-<run>-<n>.warc.gz` under a temporary `.open` name, one gzip member per
record so that any record can be read back from its (file, offset), as a CDX index locates it. A payload
seen before is written as a `revisit` record that refers to the first one (as Heritrix and pywb do), so an
unchanged source costs a few hundred bytes. A file is fsynced and renamed only when complete; the store
indexes it only after the rename, so an interrupted run leaves at most an orphan `.open` file that nothing
points to.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from claimcheck.core.clock import isoformat
from claimcheck.core.compression import deflate
from claimcheck.core.errors import StoreError
from claimcheck.core.version import __version__
from claimcheck.net.records import Hop

OPEN_SUFFIX = ".open"
# Level 6 follows long match chains that repetitive pages (listings, tables, the benchmark's pages) make
# costly: 2.8 times level 5's time there, for 0.5% smaller files on real pages.
GZIP_LEVEL = 5
_SMALL_RECORD = 4096
# Hop-by-hop framing that no longer describes the stored (de-chunked) body.
_FRAMING_HEADERS = {"transfer-encoding"}


def _sha1_base32(body: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


EMPTY_PAYLOAD = _sha1_base32(b"")  # a 304's, or a request's


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of a body: sha1 in base32, as every WARC tool expects."""
    # Empty bodies (every 304 of a re-check, every request) skip base32, which is pure Python and slow.
    return _sha1_base32(body) if body else EMPTY_PAYLOAD


@dataclass(frozen=True)
class RecordRef:
    """Where a record lives: enough to read it back without scanning."""

    file: str
    offset: int
    length: int
    record_type: str


@dataclass(frozen=True, slots=True)
class KnownPayload:
    """The first capture of a payload, which later revisit records point to."""

    uri: str
    date: str


class PayloadIndex(Protocol):
    """Payload digest -> its first capture, for revisit records (a dict will do)."""

    def get(self, digest: str) -> KnownPayload | None: ...

    def __setitem__(self, digest: str, known: KnownPayload) -> None: ...


def _warc_date(value: datetime) -> str:
    return isoformat(value)


@dataclass(frozen=True)
class ResponseRecord:
    """A response record's fields without its body: small and picklable, so that the record can be built
    and compressed in the worker process that extracts the same body, off the fetch loop."""

    uri: str
    date: str
    status_line: str
    headers: list[tuple[str, str]]
    request_id: str
    peer: str | None
    digest: str

    @classmethod
    def of(cls, hop: Hop, digest: str, request_id: str) -> ResponseRecord:
        return cls(uri=hop.url, date=_warc_date(hop.started_at),
                   status_line=f"{_protocol(hop.http_version)} {hop.status} {hop.reason}".strip(),
                   headers=[(k, v) for k, v in hop.headers if k.lower() not in _FRAMING_HEADERS],
                   request_id=request_id, peer=hop.peer, digest=digest)

    def context(self) -> list[tuple[str, str]]:
        fields = [("WARC-Concurrent-To", self.request_id)]
        if self.peer:
            fields.append(("WARC-IP-Address", self.peer))
        return fields

    def member(self, body: bytes) -> bytes:
        """The whole record, gzipped: what `WarcFile.write_member` appends."""
        return gzip_member(_record("response", record_id(), self.uri, self.date,
                                   "application/http; msgtype=response", _http_block(self.status_line, self.headers)
                                   + body, [*self.context(), ("WARC-Payload-Digest", self.digest)]))


class WarcFile:
    """One WARC file being written; `close()` makes it permanent."""

    def __init__(self, final_path: Path) -> None:
        self.final_path = final_path
        self.open_path = final_path.with_name(final_path.name + OPEN_SUFFIX)
        if final_path.exists() or self.open_path.exists():
            raise StoreError(f"{final_path} already exists; WARC files are never overwritten")
        self._file = open(self.open_path, "xb")
        # Records are serialised uncompressed and gzipped here, one member each: warcio compresses at level
        # 9, three times the CPU of level 6 for 2% smaller files (measured on 30-60 KB pages).
        self._writer = WARCWriter(io.BytesIO(), gzip=False, warc_version="WARC/1.1")
        self.records = 0
        info = self._writer.create_warcinfo_record(
            final_path.name, {"software": f"claimcheck/{__version__}", "format": "WARC File Format 1.1"})
        self._write(info)

    @property
    def size(self) -> int:
        return self._file.tell()

    def _write(self, record: Any) -> RecordRef:
        buffer = io.BytesIO()
        self._writer.out = buffer
        self._writer.write_record(record)
        return self.write_member(gzip_member(buffer.getvalue()), record.rec_headers.get_header("WARC-Type"))

    def write_hop(self, hop: Hop, digest: str, earlier: KnownPayload | None) -> RecordRef:
        """Write a hop's request and its response record, or a revisit of `earlier` (what `settle` found).

        These two records are most of what a run writes (two per source, even when nothing changed), so they
        are serialised here rather than through warcio's record builder, which costs several times more; the
        tests read every record back with warcio and run `warcio check` on the files.
        """
        request_id = self.write_request(hop)
        if earlier is not None:
            return self.write_revisit(hop, digest, request_id, earlier)
        return self.write_response(hop, digest, request_id)

    def write_request(self, hop: Hop, request_id: str | None = None) -> str:
        """Write the request record of a hop; return its record id, which its response refers to."""
        request_line = hop.url.split("://", 1)[-1]
        path = "/" + request_line.split("/", 1)[1] if "/" in request_line else "/"
        request_id = request_id or record_id()
        request_block = _http_block(f"GET {path} HTTP/1.1", hop.request_headers)
        self.write_member(gzip_member(_record(
            "request", request_id, hop.url, _warc_date(hop.started_at), "application/http; msgtype=request",
            request_block, [("WARC-Payload-Digest", EMPTY_PAYLOAD)])), "request")
        return request_id

    def write_response(self, hop: Hop, digest: str, request_id: str) -> RecordRef:
        """A hop's whole response record, its body included."""
        return self.write_member(ResponseRecord.of(hop, digest, request_id).member(hop.body), "response")

    def write_revisit(self, hop: Hop, digest: str, request_id: str, earlier: KnownPayload) -> RecordRef:
        response = ResponseRecord.of(hop, digest, request_id)
        extra = [*response.context(), ("WARC-Payload-Digest", digest), ("WARC-Refers-To-Target-URI", earlier.uri),
                 ("WARC-Refers-To-Date", earlier.date), ("WARC-Profile", REVISIT_PROFILE)]
        return self.write_member(gzip_member(_record(
            "revisit", record_id(), hop.url, response.date, "application/http; msgtype=response",
            _http_block(response.status_line, response.headers), extra)), "revisit")

    def write_member(self, member: bytes, record_type: str) -> RecordRef:
        """Append one record, already serialised and gzipped."""
        offset = self._file.tell()
        self._file.write(member)
        self.records += 1
        return RecordRef(self.final_path.name, offset, self._file.tell() - offset, record_type)

    def write_metadata(self, uri: str, when: datetime, data: dict[str, Any]) -> RecordRef:
        body = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
        record = self._writer.create_warc_record(uri, "metadata", payload=io.BytesIO(body), length=len(body),
                                                 warc_content_type="application/json",
                                                 warc_headers_dict={"WARC-Date": _warc_date(when)})
        return self._write(record)

    def close(self) -> Path:
        """Flush, fsync and give the file its final name."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.rename(self.open_path, self.final_path)
        _fsync_dir(self.final_path.parent)
        return self.final_path

    def abandon(self) -> None:
        """Stop writing, leaving the file `.open`: the run that wrote it died, and the next one recovers it."""
        self._file.close()

    def close_after_failure(self) -> None:
        """Publish what a failed or interrupted run wrote (whole records, indexed by nothing), unless the file
        cannot be finished either (a full disk): then it stays `.open`, to be recovered by the next run."""
        try:
            self.close()
        except OSError:
            if not self._file.closed:
                self._file.close()


REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"


def gzip_member(data: bytes) -> bytes:
    """One gzip member. Most records are a few hundred bytes (a request, a 304): for those a 4 KB window and
    small hash tables give the same output as the defaults for less than the cost of allocating and clearing
    the default state (a sixth of the time with zlib, three quarters with zlib-ng)."""
    if len(data) <= _SMALL_RECORD:
        member = deflate.compressobj(GZIP_LEVEL, deflate.DEFLATED, 16 + 12, 4)
    else:
        member = deflate.compressobj(GZIP_LEVEL, deflate.DEFLATED, 16 + deflate.MAX_WBITS)
    return member.compress(data) + member.flush()


def record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def settle(hop: Hop, known: PayloadIndex, digest: str) -> KnownPayload | None:
    """The earlier capture whose payload a hop's response repeats (its record is then a revisit), if any;
    otherwise its payload is known from now on, and a later hop repeating it is written as a revisit."""
    if not hop.body:
        return None  # empty bodies (304s, bare redirects) are never deduplicated
    earlier = known.get(digest)
    if earlier is None:
        remember(hop, known, digest)
    return earlier


def remember(hop: Hop, known: PayloadIndex, digest: str) -> None:
    """A hop's payload is known from now on, as its response record names it: a later hop repeating it is
    written as a revisit of this one."""
    known[digest] = KnownPayload(hop.url, _warc_date(hop.started_at))


def _http_block(first_line: str, headers: list[tuple[str, str]]) -> bytes:
    """An HTTP message head as it went over the wire (headers were decoded as latin-1, so they round-trip)."""
    lines = [first_line, *(f"{name}: {value}" for name, value in headers), "", ""]
    return "\r\n".join(lines).encode("latin-1", "replace")


def _record(record_type: str, record_id: str, uri: str, date: str, content_type: str, block: bytes,
            extra: list[tuple[str, str]]) -> bytes:
    # A block digest is computed as a payload digest is, over the whole block.
    fields = [("WARC-Type", record_type), ("WARC-Record-ID", record_id), ("WARC-Target-URI", uri),
              ("WARC-Date", date), *extra, ("WARC-Block-Digest", payload_digest(block)), ("Content-Type", content_type),
              ("Content-Length", str(len(block)))]
    head = "WARC/1.1\r\n" + "".join(f"{name}: {value}\r\n" for name, value in fields) + "\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def _protocol(http_version: str) -> str:
    return http_version if http_version.startswith("HTTP/") else "HTTP/1.1"


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def recover_open_files(directory: Path, prefix: str = "") -> list[Path]:
    """Publish the `.open` files that runs killed outright (SIGKILL, a power cut) left behind: each is cut after
    its last whole gzip member (a record half written is dropped) and given its final name. Called under the
    store's lock, when no run can be writing one (`prefix`: only files named so, a shard's own). Their records
    were never indexed, and stay so."""
    recovered = []
    for leftover in sorted(directory.glob(f"{prefix}*{OPEN_SUFFIX}")):
        whole = _whole_members_length(leftover)
        with open(leftover, "r+b") as stream:
            stream.truncate(whole)
            stream.flush()
            os.fsync(stream.fileno())
        target = leftover.with_name(leftover.name.removesuffix(OPEN_SUFFIX))
        if target.exists():  # never overwrite an archive
            target = target.with_name(target.name.replace(".warc.gz", f"-recovered-{uuid.uuid4().hex[:8]}.warc.gz"))
        os.rename(leftover, target)
        recovered.append(target)
    if recovered:
        _fsync_dir(directory)
    return recovered


def _whole_members_length(path: Path, chunk_size: int = 1 << 20) -> int:
    """Bytes of `path` up to the end of its last complete gzip member."""
    whole = 0  # where the last complete member ends
    start = 0  # where the member being read starts
    # The standard zlib: recovery is rare and its error type is the one the type checker knows.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb") as stream:
        pending = b""
        fed = 0  # bytes of the current member fed so far
        while True:
            data = pending or stream.read(chunk_size)
            pending = b""
            if not data:
                return whole
            try:
                inflater.decompress(data)
            except zlib.error:
                return whole
            if inflater.eof:
                used = len(data) - len(inflater.unused_data)
                whole = start + fed + used
                start, fed = whole, 0
                pending = inflater.unused_data
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                fed += len(data)


def read_payload(path: Path, offset: int) -> tuple[bytes, list[tuple[str, str]]]:
    """The payload (content-coding intact) and HTTP headers of the response record at `offset`."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        for record in ArchiveIterator(stream):
            headers = record.http_headers.headers if record.http_headers else []
            return record.raw_stream.read(), list(headers)
    raise StoreError(f"no WARC record at {path}:{offset}")
