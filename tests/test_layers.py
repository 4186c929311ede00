"""Imports point one way: schemas <- mappings <- adapters <- gateway <- cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "successplan"
ORDER = ["schemas", "mappings", "adapters", "gateway", "cli"]
SHARED = {"successplan.errors", "successplan"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("successplan")}


@pytest.mark.parametrize("layer", ORDER)
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    allowed = {f"successplan.{below}" for below in ORDER[: ORDER.index(layer) + 1]}
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in _imports(path):
            if name in SHARED:
                continue
            top = ".".join(name.split(".")[:2])
            assert top in allowed, f"{path.relative_to(PACKAGE)} imports {name}"
