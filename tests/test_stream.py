"""The record stream: records written as models or already encoded."""

from __future__ import annotations

import io

import orjson
import pytest

from successplan.adapters import (
    EncodedRecord,
    PartsEncoder,
    RecordWriter,
    stable_id,
    stable_ids,
)
from successplan.schemas import Coding, Identifier, Person


def test_encoded_record_is_written_as_is_and_counted() -> None:
    person = Person(id="person-1", identifiers=[Identifier(system="urn:x", value="1")])
    line = person.__pydantic_serializer__.to_json(person, exclude_none=True)
    sink = io.BytesIO()
    writer = RecordWriter(sink)
    writer.write(person)
    writer.write(EncodedRecord("Person", "person-1", line))
    assert sink.getvalue() == line + b"\n" + line + b"\n"
    assert writer.counts["Person"] == 2


def test_encoded_record_gives_its_model_validated_strictly() -> None:
    good = EncodedRecord(
        "Person",
        "person-1",
        b'{"id":"person-1","type":"Person","identifiers":'
        b'[{"system":"urn:x","value":"1"}]}',
    )
    assert isinstance(good.model(), Person)
    no_identifier = EncodedRecord(
        "Person", "person-2", b'{"id":"person-2","type":"Person","identifiers":[]}'
    )
    with pytest.raises(ValueError, match="identifiers"):
        no_identifier.model()


def test_parts_encoder_writes_models_as_the_record_writer_does() -> None:
    coding = Coding(system="urn:s", code="a", display=None)
    encoder = PartsEncoder(shared=(Coding,))
    first = encoder.encode({"sex": coding, "races": [coding], "born": None})
    assert orjson.loads(first) == {
        "sex": {"system": "urn:s", "code": "a"},
        "races": [{"system": "urn:s", "code": "a"}],
        "born": None,
    }
    # A shared part is turned into data once; the same data comes back.
    assert encoder.encode(coding) == b'{"system":"urn:s","code":"a"}'


def test_parts_encoder_refuses_what_is_not_json() -> None:
    with pytest.raises(TypeError, match="set"):
        PartsEncoder().encode({"x": {1, 2}})


@pytest.mark.parametrize("key", ["1", "600001", "José Núñez", " spaced "])
def test_stable_ids_give_the_ids_stable_id_gives(key: str) -> None:
    make = stable_ids("Person", "edfi")
    assert make(key) == stable_id("Person", "edfi", key)
    assert make(key) != stable_ids("Person", "fhir")(key)
