"""How one text became another, line by line and word by word: the one diff every view of a change uses
(`claimcheck diff`, the HTML and Markdown reports, a reworded evidence passage's detail)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest


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
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        changed = tag != "equal"
        if before:
            left.append((before, changed))
        if after:
            right.append((after, changed))
    return left, right


def word_changes(before: str, after: str, limit: int = 6) -> str:
    """A compact word diff ('-emib +glass substrates') of two normalised passages."""
    old, new = before.split(), after.split()
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            parts.append("-" + " ".join(old[i1:i2]))
        if tag in ("insert", "replace"):
            parts.append("+" + " ".join(new[j1:j2]))
        if len(parts) >= limit:
            parts.append("…")
            break
    return " ".join(parts)
