"""Base classes of the canonical model."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from ._categories import CATEGORY_KEY

__all__ = ["CanonicalModel", "ValueType"]


class ValueType(BaseModel):
    """A reusable value (a code, an identifier, a name, a period).

    A value type takes the data category of the field that holds it, so its own
    fields declare none.
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class CanonicalModel(BaseModel):
    """A canonical record or a component of one.

    Every field must declare its data category with
    :func:`successplan.schemas.field`; a class that forgets one fails when it is
    defined, not when the gateway first meets it.
    """

    model_config = ConfigDict(extra="forbid", use_enum_values=False)

    record_type: ClassVar[str | None] = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra
            if not isinstance(extra, dict) or CATEGORY_KEY not in extra:
                msg = f"field `{cls.__name__}.{name}` declares no data category"
                raise TypeError(msg)
