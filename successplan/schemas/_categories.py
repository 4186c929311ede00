"""Data categories: what consent decisions are made on.

Every field of a canonical record declares the category of the data it holds.
The declaration lives on the field itself (in its JSON Schema as
``x-category``), so the gateway reads it at run time and vendors read it in the
published schema, and there is no second list to keep in sync.

Some records hold data whose sensitivity depends on what they say: a need coded
as a substance-use disorder is ``health.sud`` while a need for tutoring is
``plan``. Such records carry a ``category`` value of their own, and the fields
that describe their content are marked ``x-category-follows-record``: their
effective category is the record's ``category``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import Field
from pydantic_core import PydanticUndefined

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "CATEGORY_KEY",
    "FOLLOWS_RECORD_KEY",
    "DataCategory",
    "field",
    "field_category",
    "follows_record",
]

CATEGORY_KEY = "x-category"
FOLLOWS_RECORD_KEY = "x-category-follows-record"


class DataCategory(StrEnum):
    """The category of a piece of data, as consent and policy see it."""

    ADMINISTRATIVE = "administrative"
    DIRECTORY = "directory"
    EDUCATION = "education"
    EDUCATION_SPECIAL = "education.special"
    DEMOGRAPHIC = "demographic"
    ECONOMIC = "economic"
    HEALTH = "health"
    HEALTH_MENTAL = "health.mental"
    HEALTH_SUD = "health.sud"
    HEALTH_SENSITIVE = "health.sensitive"
    WELFARE = "welfare"
    JUSTICE = "justice"
    PLAN = "plan"
    SERVICES = "services"
    GOVERNANCE = "governance"


def field(
    category: DataCategory,
    description: str,
    default: Any = PydanticUndefined,
    *,
    default_factory: Any = None,
    follows_record: bool = False,
    **kwargs: Any,
) -> Any:
    """Declare a canonical field together with its data category.

    Args:
        category: The data category of the value the field holds.
        description: What the field means; it reaches the JSON Schema.
        default: The default value; omit it for a required field.
        default_factory: A callable that makes the default value.
        follows_record: The field describes the record's content, so its
            effective category is the record's own ``category`` value.
        **kwargs: Passed on to ``pydantic.Field`` (constraints, examples).

    Returns:
        A pydantic ``FieldInfo`` carrying the category in its schema extras.
    """
    extra: dict[str, Any] = {CATEGORY_KEY: category.value}
    if follows_record:
        extra[FOLLOWS_RECORD_KEY] = True
    if default_factory is not None:
        return Field(
            default_factory=default_factory,
            description=description,
            json_schema_extra=extra,
            **kwargs,
        )
    return Field(default, description=description, json_schema_extra=extra, **kwargs)


def _extras(model: type[BaseModel], name: str) -> dict[str, Any]:
    info = model.model_fields[name]
    extra = info.json_schema_extra
    if not isinstance(extra, dict):
        msg = f"field `{model.__name__}.{name}` declares no data category"
        raise LookupError(msg)
    return extra


def field_category(model: type[BaseModel], name: str) -> DataCategory:
    """Return the declared data category of a field.

    Raises:
        KeyError: The model has no such field.
        LookupError: The field declares no category (a value type's field).
    """
    value = _extras(model, name).get(CATEGORY_KEY)
    if value is None:
        msg = f"field `{model.__name__}.{name}` declares no data category"
        raise LookupError(msg)
    return DataCategory(str(value))


def follows_record(model: type[BaseModel], name: str) -> bool:
    """Tell whether a field takes its category from the record's ``category``."""
    return bool(_extras(model, name).get(FOLLOWS_RECORD_KEY, False))
