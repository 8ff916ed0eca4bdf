"""The checker's own layout: what the warm worker preloads exists, and the README's tree is true."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from checker.engine.warm import PRELOAD

REPO = Path(__file__).resolve().parent.parent
# Libraries a kata may not need; the checker's own modules must all import.
OPTIONAL = {"pydantic_settings", "sqlalchemy", "asgi_lifespan"}


@pytest.mark.parametrize("name", PRELOAD)
def test_every_preloaded_module_imports(name: str) -> None:
    if name in OPTIONAL:
        pytest.importorskip(name)
    module = importlib.import_module(name)
    assert module is not None, f"the warm worker preloads {name}, which does not import"


def test_the_readme_tree_names_every_checker_module() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the checker works", 1)[1].split("\n## ", 1)[0]
    words = set(re.findall(r"[\w/]+(?:\.py)?", section))
    modules = [
        path.relative_to(REPO / "checker")
        for path in (REPO / "checker").rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    ]
    missing = [
        str(module) for module in modules if module.name not in words and module.stem not in words
    ]
    assert not missing, f"README's 'How the checker works' does not mention: {missing}"
    folders = {path.parent.name for path in modules if path.parent.name}
    for folder in folders:
        assert f"{folder}/" in section, f"README's tree does not show the folder {folder}/"
