"""The README's Layout section names every module, so a newcomer finds each one's job there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_module_is_in_the_readme_layout() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    layout = layout[: layout.index("```", layout.index("```") + 3)]
    named = set(re.findall(r"([a-z_0-9]+\.py)", layout))
    modules = {path.name for path in (ROOT / "claimcheck").rglob("*.py")} - {"__init__.py", "__main__.py"}
    assert modules - named == set(), "modules missing from README's Layout"
    assert named - modules - {"world.py", "demo_world.py", "run.py", "server.py", "baselines.py", "eval_dates.py",
                              "politeness.py", "extract_compare.py", "eval_checkworthy.py", "newsroom.py"} == set()
