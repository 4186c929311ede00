"""``successplan convert fhir``, ``export fhir`` and ``pull fhir``."""

from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from successplan.adapters import (
    CheckpointStore,
    QuarantineWriter,
    RecordWriter,
    RunSummary,
)
from successplan.adapters.fhir import (
    DEFAULT_TYPES,
    FhirClient,
    FhirConverter,
    SmartBackendAuth,
    SmartCredentials,
    plan_to_bundle,
    pull_bulk,
    pull_search,
)
from successplan.errors import (
    InputError,
    SuccessplanError,
)
from successplan.schemas import Consent, SuccessPlan, record_adapter

from . import console, convert_app, err_console, export_app, fail, pull_app
from ._unreadable import quarantine_unreadable

#: How many of the most used unmapped codes the summary lists.
_UNMAPPED_SHOWN = 5

Quarantine = Annotated[
    Path | None,
    typer.Option("--quarantine", help="Where records that fail go (NDJSON)."),
]


def _summary(summary: RunSummary, unmapped: Counter[Any] | None) -> Table:
    table = Table(
        "resource", "read", "converted", "skipped", "quarantined", title="FHIR run"
    )
    kinds = sorted(set(summary.read) | set(summary.skipped) | set(summary.quarantined))
    for kind in kinds:
        table.add_row(
            kind,
            str(summary.read.get(kind, 0)),
            str(summary.converted.get(kind, 0)),
            str(summary.skipped.get(kind, 0)),
            str(summary.quarantined.get(kind, 0)),
        )
    written = ", ".join(f"{k} {v}" for k, v in sorted(summary.written.items()))
    table.add_row("[bold]records written", written or "0", "", "", "")
    if unmapped is not None:
        table.add_row(
            "[dim]unmapped codes (distinct / uses)",
            f"{len(unmapped)} / {sum(unmapped.values())}",
            "",
            "",
            "",
        )
        for (system, code), uses in unmapped.most_common(_UNMAPPED_SHOWN):
            table.add_row(
                f"[dim]  {escape(system)}|{escape(code)}", str(uses), "", "", ""
            )
    return table


def _converter(strict: bool, r5_consents: bool, patient_system: str) -> FhirConverter:
    return FhirConverter(
        strict=strict, r5_consents=r5_consents, patient_system=patient_system
    )


@convert_app.command("fhir")
def convert_fhir(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="FHIR JSON (Bundles or resources) or NDJSON files.", show_default=False
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="The canonical record stream (NDJSON).")
    ],
    quarantine: Quarantine = None,
    strict: Annotated[
        bool, typer.Option(help="Validate each resource with the R4B models first.")
    ] = False,
    r5_consents: Annotated[
        bool, typer.Option("--r5-consents", help="Read Consents in the R5 shape.")
    ] = False,
    patient_system: Annotated[
        str, typer.Option(help="Identifier system of this source's Patient ids.")
    ] = "urn:fhir/Patient",
) -> None:
    """Convert FHIR R4/R4B files to canonical records.

    A file that cannot be read is reported and quarantined, the other files
    are still converted, and the command exits 2.
    """
    unreadable = 0
    try:
        converter = _converter(strict, r5_consents, patient_system)
        with (
            RecordWriter(out) as writer,
            _quarantine(quarantine, append=False) as bad,
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err_console,
            ) as progress,
        ):
            task = progress.add_task("converting", total=len(inputs))
            for path in inputs:
                progress.update(task, description=f"converting {escape(path.name)}")
                try:
                    converter.run_path(path, writer, bad, finish=False)
                except InputError as exc:
                    unreadable += 1
                    quarantine_unreadable(path, exc, converter.summary, bad)
                progress.advance(task)
            converter.finish(writer, bad)
    except SuccessplanError as exc:
        raise fail(exc) from exc
    console.print(
        _summary(converter.summary, getattr(converter.mapper, "unmapped", None))
    )
    if unreadable:
        raise typer.Exit(2)


@export_app.command("fhir")
def export_fhir(
    plan_file: Annotated[
        Path,
        typer.Argument(help="A canonical SuccessPlan (JSON), or a stream holding one."),
    ],
    out: Annotated[Path, typer.Option("--out", help="The FHIR R4 Bundle to write.")],
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip the R4B validation.")
    ] = False,
) -> None:
    """Export a canonical plan, with its consents, as a FHIR R4 Bundle."""
    try:
        plan, consents = _read_plan(plan_file)
        bundle = plan_to_bundle(plan, consents, validate=not no_validate)
    except SuccessplanError as exc:
        raise fail(exc) from exc
    out.write_bytes(orjson.dumps(bundle, option=orjson.OPT_INDENT_2))
    table = Table("resource", "count", title=f"wrote {escape(str(out))}")
    for kind, count in sorted(
        Counter(e["resource"]["resourceType"] for e in bundle["entry"]).items()
    ):
        table.add_row(kind, str(count))
    console.print(table)


def _read_plan(path: Path) -> tuple[SuccessPlan, list[Consent]]:
    try:
        text = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read `{path}`: {exc.strerror}"
        raise InputError(msg) from exc
    lines = (
        [text]
        if text.lstrip().startswith(b"{") and b"\n{" not in text.strip()
        else text.splitlines()
    )
    plans: list[SuccessPlan] = []
    consents: list[Consent] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = record_adapter().validate_json(line)
        except ValueError as exc:
            msg = (
                f"{path}:{number} is not a canonical record: {str(exc).splitlines()[0]}"
            )
            raise InputError(msg, code="plan-invalid") from exc
        if isinstance(record, SuccessPlan):
            plans.append(record)
        elif isinstance(record, Consent):
            consents.append(record)
    if len(plans) != 1:
        msg = f"{path} holds {len(plans)} SuccessPlan records; export needs exactly one"
        raise InputError(msg, code="plan-count")
    return plans[0], consents


@pull_app.command("fhir")
def pull_fhir(
    base_url: Annotated[
        str, typer.Option("--base-url", help="The FHIR server's base URL (https).")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="The canonical record stream (NDJSON).")
    ],
    quarantine: Quarantine = None,
    state: Annotated[
        Path, typer.Option(help="Checkpoint file; a rerun resumes from it.")
    ] = Path(".successplan-fhir-state.json"),
    bulk: Annotated[
        bool, typer.Option("--bulk", help="Use Bulk Data $export instead of search.")
    ] = False,
    group: Annotated[
        str | None, typer.Option(help="Export one Group (a roster) with --bulk.")
    ] = None,
    types: Annotated[
        str, typer.Option(help="Comma-separated resource types.")
    ] = ",".join(DEFAULT_TYPES),
    client_id: Annotated[
        str | None, typer.Option(help="SMART Backend Services client id.")
    ] = None,
    key_file: Annotated[
        Path | None, typer.Option(help="PEM private key of the SMART client.")
    ] = None,
    algorithm: Annotated[str, typer.Option(help="RS384 or ES384.")] = "RS384",
    scope: Annotated[str, typer.Option(help="Scopes to ask for.")] = "system/*.rs",
    token_url: Annotated[
        str | None, typer.Option(help="Token endpoint, if not discovered.")
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Validate each resource with the R4B models first.")
    ] = False,
) -> None:
    """Pull from a FHIR server by search (or $export), resuming from checkpoints."""
    kinds = [t.strip() for t in types.split(",") if t.strip()]
    try:
        auth = None
        if client_id and key_file:
            creds = SmartCredentials.from_key_file(
                client_id,
                key_file,
                algorithm=algorithm,
                scope=scope,
                token_url=token_url,
            )
            auth = SmartBackendAuth(creds, base_url)
        converter = _converter(strict, False, f"{base_url.rstrip('/')}/Patient")
        checkpoints = CheckpointStore(state)
        summary = asyncio.run(
            _pull(
                base_url,
                auth,
                converter,
                out,
                quarantine,
                checkpoints,
                kinds,
                bulk,
                group,
            )
        )
    except SuccessplanError as exc:
        raise fail(exc) from exc
    console.print(_summary(summary, getattr(converter.mapper, "unmapped", None)))


async def _pull(
    base_url: str,
    auth: SmartBackendAuth | None,
    converter: FhirConverter,
    out: Path,
    quarantine: Path | None,
    checkpoints: CheckpointStore,
    kinds: list[str],
    bulk: bool,
    group: str | None,
) -> RunSummary:
    resumed = bool(checkpoints.as_dict())
    async with FhirClient(base_url, auth=auth) as client:
        with (
            RecordWriter(out, append=resumed) as writer,
            _quarantine(quarantine, append=resumed) as bad,
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err_console,
            ) as progress,
        ):
            task = progress.add_task("pulling", total=None)

            def on_page(kind: str, count: int) -> None:
                progress.update(task, description=f"{kind}", advance=count)

            def on_progress(value: str | None) -> None:
                progress.update(task, description=f"$export running {value or ''}")

            sink = bad
            if bulk:
                level = f"Group/{group}" if group else "patient"
                return await pull_bulk(
                    client,
                    converter,
                    writer,
                    sink,
                    checkpoints,
                    level=level,
                    types=kinds,
                    on_progress=on_progress,
                    on_file=on_page,
                )
            return await pull_search(
                client,
                converter,
                writer,
                sink,
                checkpoints,
                types=kinds,
                on_page=on_page,
            )


def _quarantine(
    path: Path | None, *, append: bool
) -> AbstractContextManager[QuarantineWriter | None]:
    if path is None:
        return nullcontext(None)
    return QuarantineWriter(path, append=append)
