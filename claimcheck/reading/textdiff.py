"""How one text became another, line by line and word by word: the one diff every view of a change uses
(`claimcheck diff`, the HTML and Markdown reports, a reworded evidence passage's detail)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest
from typing import TypeVar

T = TypeVar("T")


def runs(old: list[T], new: list[T]) -> Iterator[tuple[bool, list[T], list[T]]]:
    """The two sequences as aligned runs: (changed, the run in `old`, the run in `new`). Every diff here
    (words of a line, words of a passage, paragraphs of a page) is read from these runs."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        yield tag != "equal", old[i1:i2], new[j1:j2]


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, line) from `old` to `new`: ' ' kept, '-' removed, '+' added."""
    out: list[tuple[str, str]] = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        op, text = line[:1], line[2:]
        if op in (" ", "-", "+"):
            out.append((op, text))
    return out


@dataclass(frozen=True)
class Change:
    """Lines replaced in place: a removed line and the added line that took its place (either may be None)."""

    old: str | None
    new: str | None


def paired(rows: list[tuple[str, str]]) -> Iterator[str | Change]:
    """The diff's kept lines as they are, and each run of removed and added lines as pairs, in order: the
    first removed line with the first added one, and so on; what is left over pairs with None."""
    removed: list[str] = []
    added: list[str] = []

    def flush() -> Iterator[Change]:
        for old, new in zip_longest(removed, added):
            yield Change(old, new)
        removed.clear()
        added.clear()

    for op, line in rows:
        if op == "-":
            removed.append(line)
        elif op == "+":
            added.append(line)
        else:
            yield from flush()
            yield line
    yield from flush()


Span = tuple[str, bool]  # a stretch of words, and whether it differs from the other side


def word_spans(old: str, new: str) -> tuple[list[Span], list[Span]]:
    """Both lines as stretches of words, each marked as changed or not (words are split on spaces)."""
    a, b = old.split(" "), new.split(" ")
    left: list[Span] = []
    right: list[Span] = []
    for changed, was, now in runs(a, b):
        before, after = " ".join(was), " ".join(now)
        if before:
            left.append((before, changed))
        if after:
            right.append((after, changed))
    return left, right


def word_changes(before: str, after: str, limit: int = 6) -> str:
    """A compact word diff ('-emib +glass substrates') of two normalised passages."""
    old, new = before.split(), after.split()
    parts: list[str] = []
    for changed, was, now in runs(old, new):
        if changed and was:
            parts.append("-" + " ".join(was))
        if changed and now:
            parts.append("+" + " ".join(now))
        if len(parts) >= limit:
            parts.append("…")
            break
    return " ".join(parts)
