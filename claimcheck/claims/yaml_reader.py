"""Reading YAML so that every problem can name its line: the node tree (or a stream of a section's items, for
large files) instead of plain data, and YAML's own errors turned into one line each."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from claimcheck.core.errors import ClaimsFileError, Problem

try:  # libyaml's parser is an order of magnitude faster on large files
    _Loader: type = yaml.CSafeLoader
    from yaml._yaml import CParser as _Events
except (AttributeError, ImportError):  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader
    _Events = yaml.SafeLoader  # type: ignore[assignment, misc]


class ItemComposer(yaml.composer.Composer, _Events, yaml.resolver.Resolver):
    """libyaml's events, composed into nodes by PyYAML's composer one source or claim at a time: a file of
    10,000 sources composed whole peaked 63 MB higher (153 MB against 90 MB), and loaded no faster."""

    def __init__(self, text: str) -> None:
        _Events.__init__(self, text)
        yaml.composer.Composer.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def next_node(self) -> yaml.Node:
        node = self.compose_node(None, None)  # type: ignore[arg-type]
        assert node is not None  # only an empty document composes to nothing
        return node

    def items(self) -> Iterator[tuple[yaml.Node, yaml.Node]]:
        """The pairs of the mapping that starts here, composed as they are read."""
        self.get_event()
        while not self.check_event(yaml.MappingEndEvent):
            key = self.next_node()
            yield key, self.next_node()
        self.get_event()

    def entries(self) -> Iterator[yaml.Node]:
        """The entries of the list that starts here, composed as they are read."""
        self.get_event()
        while not self.check_event(yaml.SequenceEndEvent):
            yield self.next_node()
        self.get_event()

    def plain_start(self, kind: type) -> bool:
        """The next event starts a collection of `kind` with no anchor or tag (an alias could point to one)."""
        event = self.peek_event()
        return isinstance(event, kind) and getattr(event, "anchor", None) is None \
            and bool(getattr(event, "implicit", False))



class NodeReader:
    """Walks YAML nodes, recording problems instead of stopping at the first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, where: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(str(self.path), line, where, message))

    def mapping(self, node: yaml.Node, where: str) -> list[tuple[yaml.ScalarNode, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, f"must be a mapping, not {kind_of(node)}")
            return None
        return list(self.scalar_keyed(node.value, where))

    def scalar_keyed(self, pairs: Iterable[tuple[yaml.Node, yaml.Node]],
                     where: str) -> Iterator[tuple[yaml.ScalarNode, yaml.Node]]:
        for key, value in pairs:
            if not isinstance(key, yaml.ScalarNode):
                self.problem(key, where, "keys must be plain strings")
                continue
            yield key, value

    def fields(self, node: yaml.Node, where: str, allowed: set[str],
               required: set[str]) -> dict[str, yaml.Node] | None:
        items = self.mapping(node, where)
        if items is None:
            return None
        found: dict[str, yaml.Node] = {}
        for key, value in items:
            name = key.value
            if name in found:
                self.problem(key, f"{where}.{name}", "appears twice")
            elif name not in allowed:
                self.problem(key, f"{where}.{name}", f"unknown field (expected one of: {', '.join(sorted(allowed))})")
            found[name] = value
        for name in sorted(required - found.keys()):
            self.problem(node, f"{where}.{name}", "is required")
        return found

    def text(self, node: yaml.Node | None, where: str, *, optional: bool = False) -> str | None:
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:null" or (node.style is None and node.value in ("", "~", "null")):
                if not optional:
                    self.problem(node, where, "must not be empty")
                return None
            value = str(node.value).strip()
            if not value and not optional:
                self.problem(node, where, "must not be empty")
                return None
            return value or None
        self.problem(node, where, f"must be a string, not {kind_of(node)}")
        return None


def kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a scalar"


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ClaimsFileError([Problem(str(path), 1, "file", "no such file")]) from None
    except OSError as exc:
        raise ClaimsFileError([Problem(str(path), 1, "file", f"cannot be read: {exc.strerror}")]) from None
    if b"\x00" in raw:
        raise ClaimsFileError([Problem(str(path), 1, "file", "is binary, not a YAML text file")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ClaimsFileError([Problem(str(path), line, "file", "is not valid UTF-8")]) from None
    return text


@contextmanager
def yaml_problems(path: Path, text: str) -> Iterator[None]:
    """A YAML error as the one problem of the file, at its line."""
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        problem = " ".join(str(exc.problem or "invalid YAML").split())
        if isinstance(exc, yaml.scanner.ScannerError) and exc.context and exc.context_mark is not None:
            # A token that runs on (an unclosed quote) is at fault where it starts, not where the file ends.
            line = exc.context_mark.line + 1
            where = f" (line {exc.problem_mark.line + 1})" if exc.problem_mark is not None else ""
            reason = f"{exc.context}, {problem}{where}"
        else:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            reason = problem
        raise ClaimsFileError([Problem(str(path), line, "yaml", f"invalid YAML: {reason}")]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ClaimsFileError([Problem(str(path), line, "yaml",
                                       f"invalid YAML: character {exc.character!r} is not allowed")]) from None
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise ClaimsFileError([Problem(str(path), 1, "yaml", f"invalid YAML: {reason}")]) from None


def compose(path: Path, text: str) -> yaml.Node:
    with yaml_problems(path, text):
        node = yaml.compose(text, Loader=_Loader)
    if node is None:
        raise ClaimsFileError([Problem(str(path), 1, "file", "is empty: expected article, sources and claims")])
    return node
