"""Reading crosswalk YAML so that every error can name its file and line.

Crosswalk files hold codes such as ``01`` (a grade level) or ``03`` (a CVX
vaccine code), which YAML 1.1 would silently read as the integers 1 and 3. The
loader here therefore reads every plain scalar as text, except ``null`` and
``~``; the crosswalk model converts the few fields that are not text. It also
refuses a key that appears twice in one mapping, where plain YAML would keep the
last value without a word, and remembers the line of every mapping, list and
key so that a validation error can point at the line to fix.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from successplan.errors import MappingError

__all__ = ["LineDict", "LineList", "line_of", "load_yaml"]


class LineDict(dict[str, Any]):
    """A mapping read from YAML, with the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list[Any]):
    """A list read from YAML, with the line it starts on."""

    line: int = 0


class _TextResolver(BaseResolver):
    """Resolve plain scalars to text; only ``null`` and ``~`` stay special."""


_TextResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null",
    re.compile(r"^(?:~|null|Null|NULL|)$"),
    ["~", "n", "N", ""],
)


class _Loader(Reader, Scanner, Parser, Composer, SafeConstructor, _TextResolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        _TextResolver.__init__(self)


def _construct_mapping(loader: _Loader, node: MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            msg = f"line {key_node.start_mark.line + 1}: a key must be plain text"
            raise MappingError(msg, code="mapping-invalid")
        text = str(key)
        if text in result:
            first = result.key_lines[text]
            msg = (
                f"line {key_node.start_mark.line + 1}: key `{text}` appears twice "
                f"in one mapping (first on line {first}); keep one"
            )
            raise MappingError(msg, code="mapping-invalid")
        result[text] = loader.construct_object(value_node, deep=True)
        result.key_lines[text] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(  # type: ignore[type-var]
    BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)
_Loader.add_constructor(  # type: ignore[type-var]
    BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence
)


def load_yaml(text: str, where: str) -> Any:
    """Parse one YAML document, keeping line numbers.

    Args:
        text: The YAML text.
        where: How to name the document in messages (a path or a label).

    Returns:
        The document: ``LineDict`` for mappings, ``LineList`` for lists, text
        for every plain scalar, and ``None`` for ``null``.

    Raises:
        MappingError: The text is not YAML, or a mapping repeats a key.
    """
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except MappingError as exc:
        msg = f"{where}, {exc.message}"
        raise MappingError(msg, code=exc.code) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        msg = f"{where}{line}: not valid YAML: {problem}"
        raise MappingError(msg, code="mapping-invalid") from exc
    finally:
        loader.dispose()


def line_of(data: Any, loc: Sequence[int | str]) -> int | None:
    """Return the line that best matches a location inside a document.

    Walks ``loc`` (keys and list indexes, as pydantic reports them) as far as
    the document allows and returns the line of the deepest step reached.

    Args:
        data: A document returned by :func:`load_yaml`.
        loc: The path of keys and indexes.

    Returns:
        A 1-based line number, or ``None`` when the document has none.
    """
    line: int | None = getattr(data, "line", None)
    node = data
    for step in loc:
        if isinstance(node, LineDict) and isinstance(step, str) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int):
            if not 0 <= step < len(node):
                break
            node = node[step]
        else:
            break
        line = getattr(node, "line", line)
    return line
