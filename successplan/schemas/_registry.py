"""The record types of the stream, and one adapter that reads any of them."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, TypeAlias

from pydantic import BaseModel, Field, TypeAdapter

from ._base import CanonicalModel
from ._categories import CATEGORY_KEY, FOLLOWS_RECORD_KEY, DataCategory
from ._directory import Location, Service
from ._governance import (
    Consent,
    DataSharingAgreement,
    Deletion,
    Disclosure,
    Organization,
)
from ._person import Person
from ._plan import (
    Finding,
    Goal,
    IndicatorSeries,
    ServiceEngagement,
    SuccessPlan,
    TeamMember,
)
from ._record import Record

__all__ = [
    "RECORD_TYPES",
    "SCHEMA_VERSION",
    "AnyRecord",
    "category_map",
    "record_adapter",
]

#: Version of the canonical model. Minor versions only add.
SCHEMA_VERSION = "1.0"

#: Every top-level record type, by the value of its ``type`` field.
RECORD_TYPES: dict[str, type[Record]] = {
    cls.__name__: cls
    for cls in (
        SuccessPlan,
        Person,
        Organization,
        Finding,
        Goal,
        ServiceEngagement,
        TeamMember,
        IndicatorSeries,
        Consent,
        DataSharingAgreement,
        Disclosure,
        Service,
        Location,
        Deletion,
    )
}

AnyRecord: TypeAlias = Annotated[
    SuccessPlan
    | Person
    | Organization
    | Finding
    | Goal
    | ServiceEngagement
    | TeamMember
    | IndicatorSeries
    | Consent
    | DataSharingAgreement
    | Disclosure
    | Service
    | Location
    | Deletion,
    Field(discriminator="type"),
]


@cache
def record_adapter() -> TypeAdapter[Any]:
    """Return the adapter that validates any record by its ``type`` field."""
    return TypeAdapter(AnyRecord)


def _inner_model(annotation: Any) -> type[CanonicalModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, CanonicalModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


@cache
def category_map(
    model: type[BaseModel],
) -> dict[str, tuple[DataCategory, bool]]:
    """Map every field path of a model to its category and follows-record flag.

    Paths are dotted; list elements add ``[]``, so a goal's target measure is
    ``goals[].targets[].measure`` from a SuccessPlan. Value types end a path:
    their fields share the category of the field that holds them.

    Args:
        model: A canonical record or component class.

    Returns:
        ``{path: (category, follows_record)}`` in declaration order.
    """
    result: dict[str, tuple[DataCategory, bool]] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if not isinstance(extra, dict):
            msg = f"field `{model.__name__}.{name}` declares no data category"
            raise LookupError(msg)
        category = DataCategory(str(extra[CATEGORY_KEY]))
        result[name] = (category, bool(extra.get(FOLLOWS_RECORD_KEY, False)))
        inner = _inner_model(info.annotation)
        if inner is None:
            continue
        origin = getattr(info.annotation, "__origin__", None)
        prefix = f"{name}[]" if origin is list else name
        for sub, value in category_map(inner).items():
            result[f"{prefix}.{sub}"] = value
    return result
