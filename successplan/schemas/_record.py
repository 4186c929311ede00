"""The shape every canonical record shares."""

from __future__ import annotations

from ._base import CanonicalModel
from ._categories import DataCategory, field
from ._types import Identifier, NonEmptyStr, Provenance

__all__ = ["Record", "SubjectRecord"]


class Record(CanonicalModel):
    """A top-level canonical record: it has a type, a stable id and provenance.

    The id is stable for the same source record: connectors derive it from the
    source system and the source's own key, so a rerun yields the same id.
    """

    id: NonEmptyStr = field(
        DataCategory.ADMINISTRATIVE,
        "Stable identifier of the record, derived from its source and key.",
    )
    provenance: Provenance | None = field(
        DataCategory.ADMINISTRATIVE, "Where the record came from.", None
    )


class SubjectRecord(Record):
    """A record about one child or young person."""

    subject: Identifier | None = field(
        DataCategory.DIRECTORY,
        "The person this record is about, by a source-scoped identifier. "
        "Required when the record stands alone in a stream; inside a "
        "SuccessPlan the plan's subject applies.",
        None,
    )
