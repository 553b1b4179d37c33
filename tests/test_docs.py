"""The README and the docs site say what is true: every command and option documented, the layout tree naming
every module, the layers as import-linter keeps them, the README's two commands as CI runs them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
import pytest

from claimcheck import load_claims
from claimcheck.cli.main import cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"


def _docs() -> str:
    return "\n".join(page.read_text(encoding="utf-8") for page in sorted(DOCS.glob("*.md")))


def test_every_command_and_option_is_documented() -> None:
    commands = (DOCS / "commands.md").read_text(encoding="utf-8")
    everything = _docs()
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"claimcheck {name}" in commands, f"docs/commands.md does not document {name}"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                longest = max(param.opts, key=len)
                assert longest in everything, f"the docs do not mention {name} {longest}"
    for param in cli.params:
        if isinstance(param, click.Option):
            assert max(param.opts, key=len) in commands, f"docs/commands.md does not mention {param.opts}"


def test_readme_commands_match_ci() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.search(r"<!-- test-command -->\n```sh\n(.+?)\n```", readme, re.DOTALL)
    main_command = re.search(r"<!-- main-command -->\n```sh\n(.+?)\n```", readme, re.DOTALL)
    assert test_command and main_command, "README must show the two set-up commands"
    assert test_command.group(1).strip() in ci


def test_readme_is_a_front_door() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 250
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (REPO / link).is_file(), link


def test_every_docs_page_is_in_the_nav() -> None:
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        assert f": {page.name}" in nav, f"{page.name} is not in mkdocs.yml's nav"


def test_the_claims_file_example_parses(tmp_path: Path) -> None:
    page = (DOCS / "claims-file.md").read_text(encoding="utf-8")
    example = re.search(r"<!-- claims-example -->\n```yaml\n(.*?)```", page, re.DOTALL)
    assert example, "docs/claims-file.md must carry the claims.yaml example"
    (tmp_path / "article.txt").write_text("Intel describes EMIB and Foveros as packaging technologies that "
                                          "allow multiple chips in one package to be connected side by side "
                                          "or stacked in 3D.")
    (tmp_path / "claims.yaml").write_text(example.group(1))
    claims = load_claims(tmp_path / "claims.yaml")
    assert claims.claims[0].cites[0].evidence


def _tree() -> set[str]:
    """The paths docs/layout.md's tree names, as `package/module.py`."""
    page = (DOCS / "layout.md").read_text(encoding="utf-8")
    tree = re.search(r"<!-- layout-tree -->\n```text\n(.*?)```", page, re.DOTALL)
    assert tree, "docs/layout.md must carry the package tree"
    named, package = set(), ""
    for line in tree.group(1).splitlines()[1:]:
        entry = re.match(r"^([│ ]*)[├└]── (\S+)", line)
        assert entry, f"not a tree line: {line!r}"
        depth, name = len(entry.group(1)) // 4, entry.group(2)
        if depth == 0:
            package = name.rstrip("/") if name.endswith("/") else ""
            if name.endswith(".py"):
                named.add(name)
            else:
                named.add(f"{package}/")
        else:
            named.add(f"{package}/{name}")
    return named


def test_the_layout_tree_names_every_module() -> None:
    root = REPO / "claimcheck"
    actual = {str(path.relative_to(root)) for path in root.rglob("*.py")
              if not (path.name == "__init__.py" and path.parent != root and path.parent.name != "store")}
    actual |= {f"{path.parent.name}/" for path in root.glob("*/__init__.py")}
    actual |= {f"{path.parent.name}/{path.name}/" for path in root.glob("*/templates")}  # package data
    assert _tree() == actual


def test_the_layers_table_is_import_linters() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    page = (DOCS / "layout.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (`[^|]+) \|", page, re.MULTILINE)
    documented = [sorted(re.findall(r"`(\w+)`", row)) for row in rows]
    configured = [sorted(name.strip().removeprefix("claimcheck.") for name in layer.split("|"))
                  for layer in contract["layers"]]
    assert documented == configured


@pytest.mark.parametrize("package", sorted(p.parent.name for p in (REPO / "claimcheck").glob("*/__init__.py")))
def test_every_package_says_what_it_is_for(package: str) -> None:
    init = (REPO / "claimcheck" / package / "__init__.py").read_text(encoding="utf-8")
    assert init.lstrip().startswith('"""'), f"claimcheck/{package}/__init__.py has no docstring"
    modules = {p.stem for p in (REPO / "claimcheck" / package).glob("*.py")} - {"__init__"}
    for module in modules:
        assert f"`{module}`" in init, f"claimcheck/{package}/__init__.py does not name `{module}`"
