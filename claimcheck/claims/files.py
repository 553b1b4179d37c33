"""Several claims files checked as one: a newsroom's or a wiki's articles in one store.

`--claims` may be repeated, name a directory (every claims file below it) or a glob. Each file keeps its own
ids; merged, a source or claim id becomes `LABEL:ID`, LABEL being the file's path from the files' common
folder without `.yaml` (`news/2025/packaging`). A URL cited by several files is one request, one archived
record and one content judgement per run (capture groups sources by URL; judging reads each payload once),
and its finding is shown under every citing claim. With one file nothing changes: ids stay as written.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate
from pathlib import Path
from typing import overload

from claimcheck.claims import cache as claims_cache
from claimcheck.claims.load import load_claims
from claimcheck.claims.model import Article, ArticleInfo, Cite, Claim, ClaimsFile, Source
from claimcheck.core.compression import deflate
from claimcheck.core.errors import ClaimcheckError, ClaimsFileError, Problem

_GLOB_CHARACTERS = set("*?[")


def expand(values: tuple[str, ...] | list[str]) -> list[Path]:
    """The claims files `--claims` names: files as given, directories searched for `*.yaml`/`*.yml` claims
    files, globs expanded; in a stable order, each once."""
    found: list[Path] = []
    for value in values:
        path = Path(value)
        if path.is_dir():
            below = [p for p in sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")]) if _looks_like_claims(p)]
            if not below:
                raise ClaimcheckError(f"--claims {value}: no *.yaml claims files below this folder")
            found += below
        elif _GLOB_CHARACTERS & set(value):
            matches = sorted(Path(p) for p in glob.glob(value, recursive=True) if Path(p).is_file())
            if not matches:
                raise ClaimcheckError(f"--claims {value}: the pattern matches no file")
            found += matches
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def _looks_like_claims(path: Path) -> bool:
    """A YAML file below a --claims folder is taken for a claims file when it has a top-level `claims:`."""
    try:
        with path.open(encoding="utf-8") as stream:
            return any(line.startswith("claims:") for line in stream)
    except (OSError, UnicodeDecodeError):
        return False


def _labels(paths: list[Path]) -> dict[Path, str]:
    resolved = [p.resolve() for p in paths]
    root = Path(os.path.commonpath([str(p.parent) for p in resolved]))
    return {path: resolved_path.relative_to(root).with_suffix("").as_posix()
            for path, resolved_path in zip(paths, resolved, strict=True)}


def load_claims_set(paths: list[Path], *, cache_dir: str | Path | None = None,
                    create_cache: bool = False) -> ClaimsFile:
    """One file: as `load_claims` gives it. Several: every file validated (every problem of every file
    reported at once, each naming its file), then merged with `LABEL:ID` ids.

    With a store to keep validated files in (`cache_dir`), the merged claims and sources are read per file
    as they are used, from those copies, a few files at a time, rather than held whole: a run over 10,000
    articles holds a few of them, not 100,000 claims (~1 KB each). Without one, they are held whole.
    `create_cache`: a `cache_dir` that does not exist yet is made once every file is valid (the copies are
    written aside meanwhile: a set with a problem creates nothing)."""
    if len(paths) == 1:
        return load_claims(paths[0], cache_dir=cache_dir if cache_dir is None or Path(cache_dir).is_dir() else None)
    if cache_dir is not None and create_cache and not Path(cache_dir).is_dir():
        with tempfile.TemporaryDirectory(prefix="claimcheck-claims-") as aside:
            staged = load_claims_set(paths, cache_dir=aside)  # raises before anything is created
            target = Path(cache_dir) / "claims"
            target.mkdir(parents=True, exist_ok=True)
            for copy in (Path(aside) / "claims").iterdir():
                shutil.move(str(copy), target / copy.name)
            del staged  # read from the copies where they now are
        return load_claims_set(paths, cache_dir=cache_dir)
    problems: list[Problem] = []
    entries: list[_Entry] = []
    files: list[ClaimsFile] = []
    labels = _labels(paths)
    lazy = cache_dir is not None and Path(cache_dir).is_dir()
    for path in paths:
        entry = _entry(path, labels[path], Path(cache_dir)) if lazy and cache_dir is not None else None
        if entry is not None:
            entries.append(entry)  # validated before, unchanged since: its copy is all it takes
            continue
        try:
            loaded = load_claims(path, cache_dir=cache_dir)
        except ClaimsFileError as exc:
            problems += exc.problems
            continue
        entry = _entry(path, labels[path], Path(cache_dir)) if lazy and cache_dir is not None else None
        if entry is None:
            lazy = False
        else:
            entries.append(entry)
        if not lazy:
            files.append(loaded)  # held whole: no validated copy to read it back from
    if problems:
        raise ClaimsFileError(problems)
    if not lazy:
        return merge(files if len(files) == len(paths) else [load_claims(p, cache_dir=cache_dir) for p in paths])
    read = _Files(entries)
    root = Path(os.path.commonpath([str(p.resolve().parent) for p in paths]))
    return ClaimsFile(path=root, article=Article(title=f"{len(paths)} articles"), sources=_Sources(read),
                      claims=_Claims(read), articles=tuple(ArticleInfo(e.label, e.path, e.title) for e in entries))


@dataclass(frozen=True)
class _Entry:
    label: str
    path: Path
    title: str
    copy: bytes  # its validated copy as this run validated it (later edits are the next run's), deflated
    sources: int
    claims: int


def _entry(path: Path, label: str, cache_dir: Path) -> _Entry | None:
    """A file validated before and unchanged since (its copy in `cache_dir`), without validating it again."""
    found = claims_cache.location(path, cache_dir)
    if found is None:
        return None
    try:
        text = found[0].read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    items = claims_cache.parse_items(text)
    if items is None:
        return None
    head, sources, claims = items
    # Held deflated (~1 KB a file): each stage's pass reads it from memory, not from the disk again.
    return _Entry(label, path, str(head["title"]), deflate.compress(text.encode("utf-8"), 1), len(sources),
                  len(claims))


class _Files:
    """The files of a set, each read back from its validated copy when it is needed (relabelled as `merge`
    does). A set of at most BUDGET claims (~1 KB each) keeps every file it has read, so a newsroom of a
    thousand articles is parsed once per run; a larger one keeps the last few read (judging asks for a
    file's sources while it reads its claims), so its memory stays flat."""

    KEEP = 16
    BUDGET = 20_000  # claims in a set whose files are all kept once read

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self.by_label = {entry.label: index for index, entry in enumerate(entries)}
        self.claim_starts = list(accumulate((entry.claims for entry in entries), initial=0))
        self.recent: OrderedDict[int, tuple[dict[str, Source], list[Claim]]] = OrderedDict()
        self.keep_all = self.claim_starts[-1] <= self.BUDGET

    def read(self, index: int) -> tuple[dict[str, Source], list[Claim]]:
        if index in self.recent:
            self.recent.move_to_end(index)
            return self.recent[index]
        entry = self.entries[index]
        items = claims_cache.parse_items(deflate.decompress(entry.copy).decode("utf-8"), entry.label)
        assert items is not None  # parsed whole when the set was loaded
        relabelled = (items[1], items[2])
        self.recent[index] = relabelled
        if len(self.recent) > self.KEEP and not self.keep_all:
            self.recent.popitem(last=False)
        return relabelled


class _Sources(Mapping[str, Source]):
    """The set's sources by `LABEL:ID`, in the files' order, read per file."""

    def __init__(self, files: _Files) -> None:
        self.files = files
        self.count = sum(entry.sources for entry in files.entries)

    def __getitem__(self, source_id: str) -> Source:
        index = self.files.by_label.get(source_id.rpartition(":")[0])  # ids hold no colon; labels may
        if index is None:
            raise KeyError(source_id)
        return self.files.read(index)[0][source_id]

    def __iter__(self) -> Iterator[str]:
        for index in range(len(self.files.entries)):
            yield from self.files.read(index)[0]

    def __len__(self) -> int:
        return self.count


class _Claims(Sequence[Claim]):
    """The set's claims in the files' order, read per file."""

    def __init__(self, files: _Files) -> None:
        self.files = files

    def __len__(self) -> int:
        return self.files.claim_starts[-1]

    @overload
    def __getitem__(self, index: int) -> Claim: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Claim]: ...

    def __getitem__(self, index: int | slice) -> Claim | Sequence[Claim]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        file = bisect_right(self.files.claim_starts, index) - 1
        return self.files.read(file)[1][index - self.files.claim_starts[file]]

    def __iter__(self) -> Iterator[Claim]:
        for index in range(len(self.files.entries)):
            yield from self.files.read(index)[1]


def merge(files: list[ClaimsFile]) -> ClaimsFile:
    labels = _labels([f.path for f in files])
    sources: dict[str, Source] = {}
    claims: list[Claim] = []
    articles: list[ArticleInfo] = []
    for claims_file in files:
        label = labels[claims_file.path]
        articles.append(ArticleInfo(label, claims_file.path, claims_file.article.title))
        for source in claims_file.sources.values():
            sources[f"{label}:{source.id}"] = replace(source, id=f"{label}:{source.id}", article=label)
        claims += [replace(claim, id=f"{label}:{claim.id}", article=label,
                           cites=tuple(Cite(f"{label}:{cite.source}", cite.evidence) for cite in claim.cites))
                   for claim in claims_file.claims]
    root = Path(os.path.commonpath([str(f.path.resolve().parent) for f in files]))
    return ClaimsFile(path=root, article=Article(title=f"{len(files)} articles"), sources=sources,
                      claims=tuple(claims), articles=tuple(articles))
