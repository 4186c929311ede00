"""Pausing Python's cyclic garbage collector while a document is converted.

Parsing a large Bundle allocates millions of small containers that all stay
alive until the Bundle is converted, and every pass of the cyclic collector
scans them again without finding garbage: in a 50 MB Bundle those passes cost
more than the parse itself. Reading, indexing and converting allocate no
reference cycles (a resource that fails is quarantined without raising), so
the converter pauses the collector while it works on one document and restores
it afterwards, when reference counting has already freed the document.
"""

from __future__ import annotations

import gc
from types import TracebackType

__all__ = ["GcPause"]


class GcPause:
    """A context that pauses the collector if it is on, and restores it.

    Nested pauses are harmless: only the pause that turned the collector off
    turns it back on.
    """

    __slots__ = ("_paused",)

    def __init__(self) -> None:
        self._paused = False

    def __enter__(self) -> GcPause:
        if gc.isenabled():
            gc.disable()
            self._paused = True
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._paused:
            self._paused = False
            gc.enable()
