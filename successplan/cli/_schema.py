"""``successplan schema`` and ``successplan validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from successplan.errors import ProfileError
from successplan.schemas import list_profiles, load_profile
from successplan.schemas._jsonschema import export_schemas
from successplan.schemas._validate import (
    DEFAULT_MAX_RECORD_BYTES,
    Problem,
    validate_paths,
)

from . import app, console, err_console

schema_app = typer.Typer(help="The published JSON Schema of the canonical model.")
profiles_app = typer.Typer(help="Program profiles of the Success Plan.")
app.add_typer(schema_app, name="schema", no_args_is_help=True)
app.add_typer(profiles_app, name="profiles", no_args_is_help=True)


@schema_app.command("export")
def schema_export(
    directory: Annotated[
        Path, typer.Argument(help="Where to write the schema files.")
    ] = Path("schemas"),
) -> None:
    """Regenerate the JSON Schema files from the models."""
    written = export_schemas(directory)
    for path in written:
        console.print(f"wrote {escape(str(path))}")


@profiles_app.command("list")
def profiles_list() -> None:
    """List the shipped profiles."""
    table = Table("name", "title", "version")
    for name in list_profiles():
        profile = load_profile(name)
        table.add_row(profile.name, profile.title, profile.version)
    console.print(table)


def _print_problem(problem: Problem) -> None:
    what = ""
    if problem.record_type:
        what = f" ({problem.record_type}" + (
            f" {problem.record_id})" if problem.record_id else ")"
        )
    console.print(
        f"{escape(problem.where)}: [bold red]{problem.code}[/] "
        f"{escape(problem.path)}: {escape(problem.message)}{escape(what)}",
        soft_wrap=True,
    )


@app.command("validate")
def validate(
    paths: Annotated[
        list[str], typer.Argument(help="JSON or NDJSON files; `-` reads stdin.")
    ],
    output_format: Annotated[
        str, typer.Option("--format", help="`text` or `json`.")
    ] = "text",
    profile: Annotated[
        str | None,
        typer.Option(help="Also check plans against this profile (name or YAML path)."),
    ] = None,
    max_record_size: Annotated[
        int,
        typer.Option(
            min=1,
            help="Longest NDJSON line, and largest JSON document, read in bytes.",
        ),
    ] = DEFAULT_MAX_RECORD_BYTES,
) -> None:
    """Validate canonical records; exit 1 if a record is invalid, 2 if unreadable."""
    if output_format not in {"text", "json"}:
        err_console.print("--format must be `text` or `json`")
        raise typer.Exit(2)
    chosen = None
    if profile is not None:
        try:
            chosen = load_profile(profile)
        except ProfileError as exc:
            err_console.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from exc

    problems: list[Problem] = []
    sink = problems.append if output_format == "json" else _print_problem
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=err_console,
        transient=True,
    )
    tasks: dict[str, object] = {}

    def on_file(name: str, size: int | None) -> None:
        tasks["current"] = progress.add_task(escape(name), total=size)

    def on_progress(amount: int) -> None:
        task = tasks.get("current")
        if task is not None:
            progress.advance(task, amount)  # type: ignore[arg-type]

    with progress:
        report = validate_paths(
            paths,
            on_problem=sink,
            profile=chosen,
            max_record_bytes=max_record_size,
            on_progress=on_progress,
            on_file=on_file,
        )

    totals = report.totals()
    if output_format == "json":
        document = {
            "ok": report.exit_code == 0,
            "exit_code": report.exit_code,
            "profile": chosen.name if chosen else None,
            "totals": totals,
            "files": [
                {
                    "file": r.file,
                    "records": r.records,
                    "valid": r.valid,
                    "invalid": r.invalid,
                    "unreadable": r.unreadable,
                    "types": dict(r.types),
                }
                for r in report.files
            ],
            "problems": [p.as_dict() for p in problems],
        }
        typer.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
    else:
        table = Table("file", "records", "valid", "invalid", "status", title="summary")
        for r in report.files:
            status = r.unreadable or ("ok" if not r.invalid else "invalid")
            table.add_row(
                escape(r.file), str(r.records), str(r.valid), str(r.invalid), status
            )
        console.print(table)
        console.print(
            f"{totals['records']} records, {totals['valid']} valid, "
            f"{totals['invalid']} invalid, {totals['problems']} problems"
        )
    raise typer.Exit(report.exit_code)
