from __future__ import annotations

from pathlib import Path

import pytest

from successplan.errors import MappingError
from successplan.mappings import default_mappings, read_crosswalk_file


def test_every_shipped_crosswalk_names_its_source_standard_and_version() -> None:
    for crosswalk in default_mappings():
        assert crosswalk.source is not None, crosswalk.name
        standard, version = crosswalk.source
        assert standard and version, crosswalk.name


def test_a_crosswalk_without_its_source_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "no-source.yaml"
    path.write_text(
        "crosswalk: test-no-source\n"
        'version: "1"\n'
        "systems: [urn:x]\n"
        "target: {enum: Domain}\n"
        "rules:\n"
        "  - {code: a, to: academic}\n",
        "utf-8",
    )
    with pytest.raises(MappingError, match="source"):
        read_crosswalk_file(path)
