"""What a conversion command does with an input file it cannot read."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from successplan.adapters import QuarantineEntry, QuarantineWriter, RunSummary
from successplan.errors import InputError

from . import err_console

__all__ = ["quarantine_unreadable"]


def quarantine_unreadable(
    path: Path,
    exc: InputError,
    summary: RunSummary,
    quarantine: QuarantineWriter | None,
) -> None:
    """Report an unreadable input, count it and quarantine it; the run goes on."""
    err_console.print(f"[red]error:[/] {escape(str(exc))}")
    summary.quarantined["(unreadable file)"] += 1
    if quarantine is not None:
        quarantine.write(
            QuarantineEntry(
                location=str(path), reason=exc.code, message=exc.message, raw=None
            )
        )
