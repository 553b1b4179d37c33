"""The source-kind seam: a new kind of source is one row of `sourcekinds.SOURCE_KINDS` (and its module);
nothing else changes. Shown with a made-up `world:` scheme fetched from the local site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import WORLD_PATHS, Runner, by_source, write_claims
from world import Site

from claimcheck.claims import sourcekinds
from claimcheck.claims.sourcekinds import SourceKind


def test_a_new_source_kind_is_one_row_of_the_table(tmp_path: Path, world: Site,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    world_kind = SourceKind("world", lambda url: url.startswith("world:"),
                            lambda url: None if url.startswith("world:/") else "a world URL starts with world:/",
                            lambda url: world.url(url.removeprefix("world:")))
    monkeypatch.setattr(sourcekinds, "SOURCE_KINDS", (world_kind, *sourcekinds.SOURCE_KINDS))
    claims = write_claims(tmp_path, world)
    data = yaml.safe_load(claims.read_text())
    intel_path = WORLD_PATHS["intel-2023-packaging"][0]
    data["sources"]["intel-2023-packaging"]["url"] = f"world:{intel_path}"
    claims.write_text(yaml.safe_dump(data, sort_keys=False))
    run = Runner(claims, tmp_path / "store")
    assert run("lint").exit_code == 0
    code, doc = run.json()
    assert code == 0
    intel = by_source(doc, "intel-2023-packaging")
    assert intel and all(pair["verdict"] == "verified" for pair in intel)
    assert {pair["url"] for pair in intel} == {f"world:{intel_path}"}  # filed under the URL the source cites
    assert any(path == intel_path for path, _ in world.requests)  # fetched where its kind says
    history = run("history", "intel-2023-packaging")
    assert history.exit_code == 0 and re.search(r"capture +#\d+ 200 ok", history.stdout)  # ids go as fetches end


def test_a_url_no_kind_takes_is_refused_with_the_http_kinds_reason(tmp_path: Path, world: Site) -> None:
    claims = write_claims(tmp_path, world, overrides={"intel-2023-packaging": {"url": "ftp://example.org/x"}})
    result = Runner(claims, tmp_path / "store")("lint")
    assert result.exit_code == 2 and "only http and https URLs can be checked" in result.output
