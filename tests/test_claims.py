"""The claims loader: the real file loads, and every kind of bad input names its file, line and field."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import pytest
import yaml
from click.testing import CliRunner
from conftest import ARTICLE, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcheck.claims import load as claims_module
from claimcheck.claims.load import load_claims
from claimcheck.cli.main import cli
from claimcheck.core.dates import Precision
from claimcheck.core.errors import ClaimsFileError

GOOD = f"""\
article:
  title: T
  path: {ARTICLE}
sources:
  s1:
    publisher: P
    title: A title
    url: https://example.com/a
    cited_date: November 2025
claims:
  - id: c1
    text: TSMC's CoWoS family is one of the best-known examples.
    cites:
      - source: s1
        evidence: some words
"""


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "claims.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ClaimsFileError) as raised:
        load_claims(path)
    return [str(p) for p in raised.value.problems]


def test_the_repository_claims_file_loads() -> None:
    claims = load_claims(REPO / "claims.yaml")
    assert len(claims.sources) == 6
    assert len(claims.claims) >= 8
    assert claims.sources["ase-2024-vipack"].url is None
    assert claims.sources["amd-2025-engineering-ai"].cited_date.precision is Precision.MONTH
    assert claims.sources["intel-2023-packaging"].cited_date.iso() == "2023-09-06"
    named = {"Intel", "Synopsys", "TSMC", "AMD", "ASE"}
    for claim in claims.claims:
        assert claim.cites
    mentioned = {name for claim in claims.claims for name in named if name in claim.text}
    assert mentioned == named


def test_good_file(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(GOOD)
    claims = load_claims(path)
    assert claims.sources["s1"].cited_date.iso() == "2025-11"
    assert claims.claims[0].cites[0].evidence == "some words"


@pytest.mark.parametrize("change, expected", [
    (("    cited_date: November 2025\n", "    cited_date: sometime soon\n"),
     r":9: sources\.s1\.cited_date: cannot parse 'sometime soon' as a date"),
    (("    url: https://example.com/a\n", "    url: ftp://example.com/a\n"),
     r":8: sources\.s1\.url: only http and https URLs can be checked, not 'ftp'"),
    (("    url: https://example.com/a\n", "    url: not a url\n"),
     r":8: sources\.s1\.url: only http and https URLs can be checked"),
    (("      - source: s1\n", "      - source: s2\n"), r":14: claims\.c1\.cites\[0\]\.source: unknown source id 's2'"),
    (("    text: TSMC's CoWoS family", "    text: Nvidia's CoWoS family"),
     r":12: claims\.c1\.text: is not found verbatim in the article"),
    (("    title: A title\n", ""), r":6: sources\.s1\.title: is required"),
    (("    title: A title\n", "    title: A title\n    colour: red\n"), r":8: sources\.s1\.colour: unknown field"),
])
def test_each_problem_names_file_line_and_field(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    found = problems(tmp_path, GOOD.replace(*change))
    assert len(found) == 1, found
    assert re.search(expected, found[0]), found[0]
    assert found[0].startswith(str(tmp_path / "claims.yaml") + ":")


def test_loading_leaves_the_garbage_collector_as_it_was(tmp_path: Path) -> None:
    """The collector is paused while a file is composed, and restored however the loading ends."""
    import gc

    from claimcheck.core.errors import ClaimsFileError

    path = tmp_path / "claims.yaml"
    path.write_text(GOOD)
    assert gc.isenabled()
    load_claims(path)
    assert gc.isenabled()
    path.write_text(GOOD.replace("    title: A title\n", ""))
    with pytest.raises(ClaimsFileError):
        load_claims(path)
    assert gc.isenabled()
    gc.disable()
    try:
        path.write_text(GOOD)
        load_claims(path)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


SOURCES_PART = GOOD[GOOD.index("sources:"):GOOD.index("claims:")]
CLAIMS_PART = GOOD[GOOD.index("claims:"):]
ARTICLE_PART = GOOD[:GOOD.index("sources:")]
SHAPES = {
    "usual": GOOD,
    "no article": SOURCES_PART + CLAIMS_PART,
    "claims first": ARTICLE_PART + CLAIMS_PART + SOURCES_PART,
    "article last": SOURCES_PART + CLAIMS_PART + ARTICLE_PART,
    "sources twice": ARTICLE_PART + SOURCES_PART + SOURCES_PART.replace("A title", "Another") + CLAIMS_PART,
    "unknown key": GOOD + "extra: 1\n",
    "no claims": ARTICLE_PART + SOURCES_PART,
    "second document": GOOD + "---\nsources: {}\n",
    "anchored sources": GOOD.replace("sources:\n", "sources: &all\n"),
    "shorthand cite": GOOD + "  - id: c2\n    text: TSMC's CoWoS family is one of the best-known examples.\n"
                      "    cites: [s1]\n",
    "aliased evidence": GOOD.replace("evidence: some words", "evidence: &words some words")
                        + "  - id: c2\n    text: TSMC's CoWoS family is one of the best-known examples.\n"
                          "    cites:\n      - source: s1\n        evidence: *words\n",
    "flow sources": ARTICLE_PART + "sources: {s1: {publisher: P, title: A title}}\n" + CLAIMS_PART,
    "sources a list": ARTICLE_PART + "sources:\n  - s1\n" + CLAIMS_PART,
    "bad date": GOOD.replace("November 2025", "sometime soon"),
    "unknown source": GOOD.replace("- source: s1", "- source: s9"),
    "broken YAML late": GOOD + "  - id: [unclosed\n",
    "non-string key": ARTICLE_PART + "sources:\n  [a, b]: {publisher: P, title: T}\n" + CLAIMS_PART,
    "tagged claims": GOOD.replace("claims:\n", "claims: !!seq\n"),
}


STREAMED = {"usual", "no article", "shorthand cite", "aliased evidence", "bad date", "unknown source", "flow sources",
            "non-string key"}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_streaming_and_whole_tree_validation_agree(tmp_path: Path, shape: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A file in the usual shape is validated as it is read, one source or claim composed at a time; every
    other shape falls back to the whole tree. Either way the result, or every problem, is the same."""
    from claimcheck.claims import load as claims_module

    path = tmp_path / "claims.yaml"
    path.write_text(SHAPES[shape])

    def outcome() -> object:
        try:
            return load_claims(path)
        except ClaimsFileError as error:
            return [str(p) for p in error.problems]

    try:
        took_the_stream = claims_module._stream_validate(path, path.read_text(), True) is not None
    except ClaimsFileError:
        took_the_stream = True
    except yaml.YAMLError:
        took_the_stream = False
    assert took_the_stream == (shape in STREAMED)
    streamed = outcome()
    monkeypatch.setattr(claims_module, "_stream_validate", lambda *args: None)
    assert streamed == outcome()


def test_duplicate_ids(tmp_path: Path) -> None:
    text = GOOD + "  - id: c1\n    text: TSMC's CoWoS family is one of the best-known examples.\n    cites: [s1]\n"
    text = text.replace("claims:\n", "  s1:\n    publisher: Q\n    title: Again\nclaims:\n")
    found = problems(tmp_path, text)
    assert any(re.search(r":10: sources\.s1: duplicate source id", p) for p in found), found
    assert any(re.search(r":19: claims\.c1\.id: duplicate claim id", p) for p in found), found


@pytest.mark.parametrize("text, expected", [
    ("", r":1: file: is empty"),
    (b"\x00\x01\x02binary", r":1: file: is binary"),
    ("sources: [\n  broken", r":\d+: yaml: invalid YAML"),
    ("article:\n  title: x\nsources:\n  a: {publisher: p, title: t}\nclaims:\n  - id: c\n    text: [1]\n"
     "    cites: [a]\n",
     r":7: claims\.c\.text: must be a string"),
    (b"\xff\xfeclaims: []", r":1: file: is not valid UTF-8"),
])
def test_unreadable_files(tmp_path: Path, text: str | bytes, expected: str) -> None:
    found = problems(tmp_path, text)
    assert re.search(expected, found[0]), found


def test_missing_file(tmp_path: Path) -> None:
    assert re.search(r"nope\.yaml:1: file: no such file", problems_of_path(tmp_path / "nope.yaml"))


def problems_of_path(path: Path) -> str:
    with pytest.raises(ClaimsFileError) as raised:
        load_claims(path)
    return str(raised.value)


def test_lint_cli_exit_codes(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(GOOD)
    ok = CliRunner().invoke(cli, ["--claims", str(path), "lint"])
    assert ok.exit_code == 0, ok.output
    assert "1 claim, 1 source: OK" in ok.output  # counted as an editor reads it
    path.write_text(GOOD.replace("November 2025", "soonish 20xx"))
    bad = CliRunner().invoke(cli, ["--claims", str(path), "lint"])
    assert bad.exit_code == 2
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:9: sources.s1.cited_date:")
    assert "Traceback" not in bad.output


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300),
                 st.builds(lambda a, b: GOOD[:a] + b + GOOD[a:], st.integers(0, len(GOOD)), st.text(max_size=20))))
def test_fuzzed_input_never_crashes(tmp_path: Path, data: str | bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    try:
        load_claims(path)
    except ClaimsFileError as exc:
        for problem in exc.problems:
            assert problem.line >= 1
            assert "\n" not in str(problem)


def test_a_validated_file_is_cached_in_the_store_and_invalidated_by_any_change(tmp_path: Path) -> None:
    import shutil
    article = tmp_path / "article.txt"
    shutil.copy(ARTICLE, article)
    claims_path = tmp_path / "claims.yaml"
    claims_path.write_text((REPO / "claims.yaml").read_text().replace(
        "path: article/advanced-semiconductor-packaging.txt", "path: article.txt"))
    store = tmp_path / "store"
    store.mkdir()
    fresh = load_claims(claims_path, cache_dir=store)
    [cache] = (store / "claims").glob("*.jsonl")
    cached = load_claims(claims_path, cache_dir=store)
    assert cached == fresh and cached.article_text == fresh.article_text
    lines = cache.read_text().splitlines(keepends=True)
    cache.write_text("".join(lines[:-2]))  # cut short at a line's end: taken for nothing, read again from YAML
    with mock.patch("claimcheck.claims.load._load_and_validate", wraps=claims_module._load_and_validate) as loads:
        assert load_claims(claims_path, cache_dir=store) == fresh
    assert loads.call_count == 1
    assert cache.read_text() == "".join(lines)  # and written whole again
    article.write_text(article.read_text().replace("TSMC's CoWoS family", "Some CoWoS family"))
    with pytest.raises(ClaimsFileError, match="not found verbatim"):
        load_claims(claims_path, cache_dir=store)
