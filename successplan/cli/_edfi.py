"""``successplan convert edfi`` and ``successplan pull edfi``."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from successplan.adapters import (
    CheckpointStore,
    QuarantineWriter,
    RecordWriter,
    RetryPolicy,
    RunSummary,
)
from successplan.adapters.edfi import (
    ClientCredentials,
    ConversionRun,
    EdFiClient,
    EdFiConverter,
    PullOutput,
    pull,
    read_files,
    resources_for,
)
from successplan.errors import (
    ConfigurationError,
    InputError,
    SuccessplanError,
)
from successplan.mappings import Mapper

from . import console, convert_app, err_console, fail, pull_app
from ._unreadable import quarantine_unreadable

__all__ = ["convert_edfi", "pull_edfi"]


def _mapper(overlays: list[Path]) -> Mapper:
    """The shipped crosswalks plus a district's overlays."""
    if overlays:
        return Mapper.load(overlays=overlays)
    return Mapper.default()


def _summary_table(summary: RunSummary, title: str) -> Table:
    table = Table(title=title)
    table.add_column("resource")
    for name in ("read", "converted", "quarantined", "skipped"):
        table.add_column(name, justify="right")
    names = sorted(set(summary.read) | set(summary.quarantined))
    for name in names:
        table.add_row(
            name,
            str(summary.read[name]),
            str(summary.converted[name]),
            str(summary.quarantined[name]),
            str(summary.skipped[name]),
        )
    table.add_row(
        "[bold]total",
        str(sum(summary.read.values())),
        str(sum(summary.converted.values())),
        str(sum(summary.quarantined.values())),
        str(sum(summary.skipped.values())),
    )
    return table


def _written_table(summary: RunSummary, converter: EdFiConverter) -> Table:
    table = Table(title="Canonical records written")
    table.add_column("type")
    table.add_column("count", justify="right")
    for name, count in sorted(summary.written.items()):
        table.add_row(name, str(count))
    unmapped = converter.codes.unmapped
    table.add_row(
        "[dim]unmapped codes (distinct / uses)",
        f"{len(unmapped)} / {sum(unmapped.values())}",
    )
    return table


Inputs = Annotated[
    list[Path],
    typer.Argument(help="Ed-Fi files: .xml, .json or .ndjson.", show_default=False),
]
Out = Annotated[Path, typer.Option("--out", "-o", help="Canonical records (NDJSON).")]
QuarantineOut = Annotated[
    Path | None,
    typer.Option("--quarantine", "-q", help="Unconvertible items (NDJSON)."),
]
Overlays = Annotated[
    list[Path] | None,
    typer.Option("--mapping-overlay", help="A district crosswalk over the shipped."),
]
Days = Annotated[
    int | None,
    typer.Option(
        "--instructional-days",
        help="Instructional days per school year: gives attendance rate and "
        "chronic absence.",
    ),
]


@convert_app.command("edfi")
def convert_edfi(
    inputs: Inputs,
    out: Out,
    quarantine: QuarantineOut = None,
    resource: Annotated[
        str | None,
        typer.Option(
            "--resource", help="The resource of every input, if names don't say."
        ),
    ] = None,
    data_standard: Annotated[
        int, typer.Option("--data-standard", help="Ed-Fi data standard (4, 5 or 6).")
    ] = 5,
    instructional_days: Days = None,
    overlay: Overlays = None,
) -> None:
    """Convert Ed-Fi files (API JSON, NDJSON, XML interchange) to canonical records.

    A file that cannot be read is reported and quarantined, the other files
    are still converted, and the command exits 2.
    """
    unreadable = 0
    for path in inputs:
        if not path.exists():
            raise fail(InputError(f"input `{path}` does not exist"))
    try:
        converter = EdFiConverter(
            _mapper(overlay or []),
            data_standard=data_standard,
            instructional_days=instructional_days,
        )
        with RecordWriter(out) as records:
            quarantine_writer = QuarantineWriter(quarantine) if quarantine else None
            run = ConversionRun(converter, records, quarantine_writer)
            total = sum(p.stat().st_size for p in inputs)
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            ) as progress:
                task = progress.add_task("converting", total=total)
                for path in inputs:
                    progress.update(task, description=f"converting {path.name}")
                    try:
                        run.handle_all(read_files([path], resource=resource))
                    except InputError as exc:
                        unreadable += 1
                        quarantine_unreadable(path, exc, run.summary, quarantine_writer)
                    progress.advance(task, path.stat().st_size)
            run.finish()
            if quarantine_writer is not None:
                quarantine_writer.close()
    except SuccessplanError as exc:
        raise fail(exc) from exc
    console.print(_summary_table(run.summary, "Ed-Fi conversion"))
    console.print(_written_table(run.summary, converter))
    if unreadable:
        raise typer.Exit(2)


@pull_app.command("edfi")
def pull_edfi(
    base_url: Annotated[
        str, typer.Option("--base-url", help="The API root (its discovery document).")
    ],
    client_id: Annotated[str, typer.Option("--client-id", help="The API key.")],
    client_secret_env: Annotated[
        str,
        typer.Option(
            "--client-secret-env", help="Environment variable holding the API secret."
        ),
    ],
    out: Out,
    quarantine: QuarantineOut = None,
    since_change_version: Annotated[
        int | None,
        typer.Option("--since-change-version", help="Read changes after this version."),
    ] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", help="Progress file; a stopped pull resumes."),
    ] = None,
    resource: Annotated[
        list[str] | None,
        typer.Option("--resource", help="Read only these resources (repeatable)."),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", help="Requests in flight at most.")
    ] = 8,
    page_size: Annotated[
        int, typer.Option("--page-size", help="Items per page (at most 500).")
    ] = 500,
    no_change_queries: Annotated[
        bool,
        typer.Option("--no-change-queries", help="Read everything, ignoring versions."),
    ] = False,
    instructional_days: Days = None,
    overlay: Overlays = None,
) -> None:
    """Pull from a live Ed-Fi API and convert to canonical records."""
    secret = os.environ.get(client_secret_env)
    if not secret:
        raise fail(
            ConfigurationError(
                f"environment variable `{client_secret_env}` is not set; put the API "
                "secret in it",
                code="secret-missing",
            )
        )
    credentials = ClientCredentials(client_id, secret)
    journal = Path(f"{checkpoint or out}.journal")
    output = PullOutput(out, quarantine, journal)

    async def go() -> tuple[Any, ...]:
        async with EdFiClient(
            base_url,
            credentials,
            concurrency=concurrency,
            page_size=page_size,
            retry=RetryPolicy(),
        ) as client:
            converter = EdFiConverter(
                _mapper(overlay or []),
                data_standard=client.info.data_standard_major,
                instructional_days=instructional_days,
            )
            names = resource or resources_for(client.info.data_standard_major)
            with Progress(
                TextColumn("{task.description}"),
                TextColumn("{task.completed} items"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            ) as progress:
                task = progress.add_task("pulling", total=None)

                def on_page(name: str, count: int) -> None:
                    progress.update(task, description=f"pulling {name}", advance=count)

                summary, sync, unapplied = await pull(
                    client,
                    converter,
                    output,
                    resources=names,
                    checkpoints=CheckpointStore(checkpoint) if checkpoint else None,
                    since_change_version=since_change_version,
                    change_queries=not no_change_queries,
                    on_page=on_page,
                )
            return client, converter, summary, sync, unapplied

    try:
        client, converter, summary, sync, unapplied = asyncio.run(go())
    except SuccessplanError as exc:
        raise fail(exc) from exc
    if checkpoint is None:
        journal.unlink(missing_ok=True)
    info = client.info
    title = f"Ed-Fi pull: API {info.version}, data standard {info.data_standard}"
    if sync.window_end is not None:
        title += f", up to change version {sync.window_end}"
    if sync.resumed:
        title += " (resumed)"
    console.print(_summary_table(summary, title))
    console.print(_written_table(summary, converter))
    console.print(
        f"requests: {client.requests}, tokens issued: {client.tokens_issued}, "
        f"deletes without a record of their own: {unapplied}"
    )
    if sync.skipped:
        console.print(f"[yellow]not offered by the API:[/] {', '.join(sync.skipped)}")
