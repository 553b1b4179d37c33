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
from dataclasses import replace
from pathlib import Path

from claimcheck.claims.load import load_claims
from claimcheck.claims.model import Article, ArticleInfo, Cite, Claim, ClaimsFile, Source
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


def load_claims_set(paths: list[Path], *, cache_dir: str | Path | None = None) -> ClaimsFile:
    """One file: as `load_claims` gives it. Several: every file validated (every problem of every file
    reported at once, each naming its file), then merged with `LABEL:ID` ids."""
    if len(paths) == 1:
        return load_claims(paths[0], cache_dir=cache_dir)
    files: list[ClaimsFile] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            files.append(load_claims(path, cache_dir=cache_dir))
        except ClaimsFileError as exc:
            problems += exc.problems
    if problems:
        raise ClaimsFileError(problems)
    return merge(files)


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
