from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from successplan.adapters.fhir import iter_document, read_path
from successplan.errors import InputError


def _bundle(kind: str, entries: list[dict[str, object]]) -> bytes:
    return json.dumps(
        {"resourceType": "Bundle", "type": kind, "entry": entries}
    ).encode()


@pytest.mark.parametrize(
    "kind",
    [
        "collection",
        "searchset",
        "transaction",
        "batch",
        "document",
        "message",
        "transaction-response",
    ],
)
def test_every_bundle_type_yields_its_resources(kind: str) -> None:
    entries = [
        {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "id": "a"}},
        {"fullUrl": "urn:uuid:2", "resource": {"resourceType": "Goal", "id": "b"}},
    ]
    raws = list(iter_document(_bundle(kind, entries), "in.json"))
    assert [r.resource["id"] for r in raws] == ["a", "b"]
    assert [r.location for r in raws] == ["in.json#entry[0]", "in.json#entry[1]"]
    assert raws[0].full_url == "urn:uuid:1"


def test_a_single_resource_is_read_as_itself() -> None:
    raws = list(iter_document(b'{"resourceType": "Condition", "id": "x"}', "c.json"))
    assert [(r.resource["id"], r.location) for r in raws] == [("x", "c.json")]


def test_a_transaction_delete_becomes_a_deletion() -> None:
    entries = [{"request": {"method": "DELETE", "url": "Condition/9"}}]
    (raw,) = iter_document(_bundle("transaction", entries), "t.json")
    assert raw.deleted == "Condition/9"


def test_a_nested_bundle_is_opened() -> None:
    inner = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": {"resourceType": "Patient", "id": "n"}}],
    }
    (raw,) = iter_document(_bundle("message", [{"resource": inner}]), "m.json")
    assert raw.resource["id"] == "n"
    assert raw.location == "m.json#entry[0]#entry[0]"


def test_a_document_that_is_not_json_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        list(iter_document(b'{"resourceType": "Bundle", ', "broken.json"))
    assert info.value.code == "fhir-not-json"
    assert "broken.json" in info.value.message


def test_an_unknown_bundle_type_is_an_input_error() -> None:
    with pytest.raises(InputError, match="Bundle.type is `pile`"):
        list(iter_document(_bundle("pile", []), "b.json"))


def test_ndjson_keeps_reading_after_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "Patient.ndjson.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(
            b'{"resourceType":"Patient","id":"1"}\n{nope\n\n{"resourceType":"Patient","id":"3"}\n'
        )
    raws = list(read_path(path))
    assert [r.problem is None for r in raws] == [True, False, True]
    assert raws[1].location.endswith(":2")
    assert raws[1].resource == "{nope"
    assert raws[2].resource["id"] == "3"


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        list(read_path(tmp_path / "absent.json"))
    assert info.value.code == "input-unreadable"


@pytest.mark.samples
def test_synthea_bundles_read_fully(samples: Path) -> None:
    for path in sorted((samples / "fhir" / "synthea").glob("*.json")):
        raws = list(read_path(path))
        assert len(raws) > 200
        assert all(r.full_url and r.full_url.startswith("urn:uuid:") for r in raws)
