"""The ``successplan`` command.

Sub-commands live one module each in this package and register themselves on
the groups defined here; this module alone configures logging and maps errors
to exit codes.
"""

from __future__ import annotations

import logging

import typer
from rich.console import Console
from rich.markup import escape

from successplan.errors import (
    ConfigurationError,
    InputError,
    SourceError,
    SuccessplanError,
)

__all__ = [
    "app",
    "console",
    "convert_app",
    "err_console",
    "export_app",
    "main",
    "pull_app",
]

app = typer.Typer(
    name="successplan",
    help="Convert school, health and community records into canonical Success Plans.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
convert_app = typer.Typer(help="Convert source files to the canonical record stream.")
pull_app = typer.Typer(help="Pull records from a live source API.")
export_app = typer.Typer(help="Export canonical records to a source format.")
app.add_typer(convert_app, name="convert", no_args_is_help=True)
app.add_typer(pull_app, name="pull", no_args_is_help=True)
app.add_typer(export_app, name="export", no_args_is_help=True)

console = Console()
err_console = Console(stderr=True)


@app.callback()
def _root(
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Log progress at INFO."
    ),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)


def fail(exc: SuccessplanError) -> typer.Exit:
    """Print an error and return the exit its kind calls for.

    2: an input cannot be read; 3: a setting, profile or crosswalk is wrong;
    4: a source system failed; 1: anything else.
    """
    err_console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
    if isinstance(exc, InputError):
        return typer.Exit(2)
    if isinstance(exc, ConfigurationError):
        return typer.Exit(3)
    if isinstance(exc, SourceError):
        return typer.Exit(4)
    return typer.Exit(1)


def _register() -> None:
    from . import _edfi, _fhir, _mappings, _schema  # noqa: F401  (registers commands)


def main() -> None:
    """Run the command line."""
    _register()
    app()
