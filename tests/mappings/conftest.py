from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

from successplan.mappings import Crosswalk, build_mappings
from successplan.mappings._compile import parse_document


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a crosswalk file into a temporary folder and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(dedent(text).lstrip(), "utf-8")
        return path

    return _write


def compile_text(text: str, *overlays: str) -> Crosswalk:
    """Compile a crosswalk from YAML text, with overlays from more YAML text."""
    base = parse_document(dedent(text).lstrip(), "base.yaml")
    extra = [
        parse_document(dedent(o).lstrip(), f"overlay{i}.yaml")
        for i, o in enumerate(overlays)
    ]
    return build_mappings([base], extra).get(base.spec.crosswalk)
