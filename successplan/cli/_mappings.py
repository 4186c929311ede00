"""``successplan mappings``: inspect, check, try and compare crosswalks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from successplan.errors import ConversionError, MappingError
from successplan.mappings import (
    Crosswalk,
    Mappings,
    Translation,
    compile_file,
    diff_codes,
    diff_rules,
    export_crosswalk_schema,
    load_mappings,
    parse_code_lines,
    range_overlaps,
)

from . import app, console, err_console

mappings_app = typer.Typer(help="Crosswalks from source codes to canonical codes.")
app.add_typer(mappings_app, name="mappings", no_args_is_help=True)

Overlays = Annotated[
    list[Path] | None,
    typer.Option(
        "--crosswalk",
        "-c",
        help="An overlay or extra crosswalk file, or a folder of them; repeatable.",
    ),
]
CodesFile = Annotated[
    Path | None,
    typer.Option(
        "--codes",
        help="Observed codes, one a line: `system|code` or an Ed-Fi descriptor URI.",
    ),
]


def _fail(exc: MappingError | ConversionError, exit_code: int = 2) -> typer.Exit:
    err_console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
    return typer.Exit(exit_code)


def _load(overlays: list[Path] | None) -> Mappings:
    try:
        return load_mappings(overlays or ())
    except MappingError as exc:
        raise _fail(exc) from exc


def _read_codes(path: Path) -> list[tuple[str, str]]:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err_console.print(f"[red]error:[/] cannot read `{escape(str(path))}`: {exc}")
        raise typer.Exit(2) from exc
    try:
        return parse_code_lines(text.splitlines(), str(path))
    except ConversionError as exc:
        raise _fail(exc) from exc


def _outcome_text(found: Translation) -> str:
    if found.ignored:
        return "(ignored)"
    return ", ".join(f"{k}={v}" for k, v in found.values.items()) or "-"


@mappings_app.command("list")
def mappings_list(crosswalk: Overlays = None) -> None:
    """List the crosswalks, with overlays applied."""
    mappings = _load(crosswalk)
    table = Table("name", "version", "source", "reads", "targets", "rules", "unmapped")
    for item in mappings:
        source = f"{item.source[0]} {item.source[1]}" if item.source else ""
        table.add_row(
            item.name,
            escape(item.version),
            escape(source),
            escape("\n".join(item.systems)),
            ", ".join(item.targets),
            str(len(item.rules)),
            item.on_unmapped,
        )
    console.print(table)
    console.print(f"{len(mappings)} crosswalks, fingerprint {mappings.version}")


@mappings_app.command("show")
def mappings_show(
    name: Annotated[str, typer.Argument(help="The crosswalk's name.")],
    crosswalk: Overlays = None,
) -> None:
    """Show one crosswalk's targets and rules."""
    mappings = _load(crosswalk)
    try:
        item = mappings.get(name)
    except MappingError as exc:
        raise _fail(exc) from exc
    console.print(f"[bold]{escape(item.label)}[/] {escape(item.title or '')}")
    for target in item.targets.values():
        optional = "" if target.required else " (optional)"
        console.print(
            f"  target [bold]{target.name}[/]: {escape(target.kind)}{optional}"
        )
    table = Table(
        "rule",
        "matches",
        "system",
        "outcome",
        "from",
        "overrides",
        title=f"rules of {name}",
    )
    for rule in item.rules:
        outcome = (
            "(ignored)"
            if rule.ignore
            else ", ".join(f"{k}={v}" for k, v in rule.values.items())
        )
        table.add_row(
            escape(rule.id),
            escape(rule.matches()),
            escape(rule.system or "any"),
            escape(outcome),
            escape(rule.where),
            escape(rule.overrides or ""),
        )
    console.print(table)
    policy: str = item.on_unmapped
    if item.default:
        policy += " -> " + ", ".join(f"{k}={v}" for k, v in item.default.items())
    console.print(f"unmapped codes: {escape(policy)}")


@mappings_app.command("translate")
def mappings_translate(
    name: Annotated[str, typer.Argument(help="The crosswalk's name.")],
    code: Annotated[
        str, typer.Argument(help="The source code, or an Ed-Fi descriptor URI.")
    ],
    system: Annotated[
        str | None, typer.Option(help="The source code system (not for descriptors).")
    ] = None,
    crosswalk: Overlays = None,
) -> None:
    """Translate one source code and show which rule decided; exit 1 if it fails."""
    mappings = _load(crosswalk)
    try:
        item = mappings.get(name)
        if system is None:
            found = item.translate_descriptor(code)
        else:
            found = item.translate(system, code)
    except MappingError as exc:
        raise _fail(exc) from exc
    except ConversionError as exc:
        raise _fail(exc, 1) from exc
    table = Table("target", "value", "display")
    for target in item.targets:
        value = found.values.get(target)
        display = item.targets[target].display(value) if value else None
        table.add_row(target, escape(value or "-"), escape(display or ""))
    console.print(table)
    console.print(
        f"{found.outcome} by rule [bold]{escape(found.rule)}[/] of "
        f"{escape(found.crosswalk)}@{escape(found.version)}"
    )


@mappings_app.command("check")
def mappings_check(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Crosswalk files or folders to check with the shipped."),
    ] = None,
    crosswalk: Overlays = None,
    codes: CodesFile = None,
) -> None:
    """Check crosswalk files; with --codes, report codes no rule names.

    Loading reports malformed YAML, unknown canonical codes, inverted ranges,
    duplicates and conflicts with file and line (exit 2). Overlapping ranges
    are reported with both rules' file and line (exit 1), and so is an
    observed code that would be rejected.
    """
    mappings = _load([*(files or []), *(crosswalk or [])])
    overlaps = [o for item in mappings for o in range_overlaps(item)]
    for overlap in overlaps:
        console.print(
            f"[yellow]mapping-overlapping-range:[/] {escape(overlap.message)}",
            soft_wrap=True,
        )
    console.print(
        f"{len(mappings)} crosswalks load (fingerprint {mappings.version}); "
        f"{len(overlaps)} overlapping ranges"
    )
    if codes is None:
        if overlaps:
            raise typer.Exit(1)
        return
    pairs = _read_codes(codes)
    table = Table("system", "code", "crosswalk", "outcome", title="codes no rule names")
    counts = {"matched": 0, "unnamed": 0, "rejected": 0, "unread": 0}
    progress = Progress(
        TextColumn("checking codes"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    )
    with progress:
        task = progress.add_task("codes", total=len(pairs))
        for system, code in dict.fromkeys(pairs):
            progress.advance(task)
            readers = mappings.reading(system)
            if not readers:
                counts["unread"] += 1
                table.add_row(
                    escape(system), escape(code), "-", "no crosswalk reads it"
                )
            for item in readers:
                _check_one(item, system, code, table, counts)
    console.print(table)
    summary = Table("matched", "left to policy", "rejected", "system not read")
    summary.add_row(
        *(str(counts[k]) for k in ("matched", "unnamed", "rejected", "unread"))
    )
    console.print(summary)
    if counts["rejected"] or overlaps:
        raise typer.Exit(1)


def _check_one(
    item: Crosswalk, system: str, code: str, table: Table, counts: dict[str, int]
) -> None:
    try:
        found = item.translate(system, code)
    except ConversionError as exc:
        counts["rejected"] += 1
        table.add_row(escape(system), escape(code), item.name, f"[red]{exc.code}[/]")
        return
    if found.matched:
        counts["matched"] += 1
        return
    counts["unnamed"] += 1
    text = f"{found.outcome}: {_outcome_text(found)}"
    table.add_row(escape(system), escape(code), item.name, escape(text))


def _pair(
    old_file: Path | None, new_file: Path | None, overlays: list[Path] | None
) -> list[tuple[Crosswalk | None, Crosswalk]]:
    if (old_file is None) != (new_file is None):
        err_console.print(
            "[red]error:[/] give two crosswalk files, or none and --crosswalk"
        )
        raise typer.Exit(2)
    try:
        if old_file is not None and new_file is not None:
            old, new = compile_file(old_file), compile_file(new_file)
            if old.name != new.name:
                err_console.print(
                    f"[red]error:[/] the files hold crosswalks `{old.name}` and "
                    f"`{new.name}`; compare two versions of one crosswalk"
                )
                raise typer.Exit(2)
            return [(old, new)]
        if not overlays:
            err_console.print(
                "[red]error:[/] nothing to compare: give two files or --crosswalk"
            )
            raise typer.Exit(2)
        before, after = load_mappings(), load_mappings(overlays)
    except MappingError as exc:
        raise _fail(exc) from exc
    pairs: list[tuple[Crosswalk | None, Crosswalk]] = []
    for name in after.names():
        now = after.get(name)
        was = before.get(name) if name in before else None
        if was is None or was.label != now.label:
            pairs.append((was, now))
    return pairs


@mappings_app.command("diff")
def mappings_diff(
    old_file: Annotated[
        Path | None, typer.Argument(help="The crosswalk file in use.")
    ] = None,
    new_file: Annotated[
        Path | None, typer.Argument(help="The file that would replace it.")
    ] = None,
    crosswalk: Overlays = None,
    codes: CodesFile = None,
) -> None:
    """Dry run: what a new crosswalk version or an overlay would change.

    Compare two versions of one crosswalk file, or the shipped crosswalks with
    and without --crosswalk overlays. With --codes, replay the observed codes
    through both and list those whose outcome changes.
    """
    pairs = _pair(old_file, new_file, crosswalk)
    observed = _read_codes(codes) if codes is not None else None
    summary = Table("crosswalk", "before", "after", "rule changes", "code changes")
    for old, new in pairs:
        if old is None:
            console.print(
                f"{escape(new.label)} is a new crosswalk ({len(new.rules)} rules)"
            )
            summary.add_row(new.name, "-", escape(new.label), str(len(new.rules)), "-")
            continue
        changes = diff_rules(old, new)
        if changes:
            table = Table("change", "matches", "before", "after", title=new.name)
            for change in changes:
                table.add_row(
                    change.change,
                    escape(change.match),
                    escape(change.old or "-"),
                    escape(change.new or "-"),
                )
            console.print(table)
        moved = "-"
        if observed is not None:
            code_changes = diff_codes(old, new, observed)
            moved = str(len(code_changes))
            if code_changes:
                code_table = Table(
                    "system",
                    "code",
                    "before",
                    "after",
                    title=f"observed codes, {new.name}",
                )
                for item in code_changes:
                    code_table.add_row(
                        escape(item.system),
                        escape(item.code),
                        escape(item.old),
                        escape(item.new),
                    )
                console.print(code_table)
        summary.add_row(
            new.name, escape(old.label), escape(new.label), str(len(changes)), moved
        )
    if not pairs:
        console.print("no crosswalk changes")
    console.print(summary)


@mappings_app.command("explain")
def mappings_explain(
    system: Annotated[str, typer.Argument(help="The source code system URI.")],
    code: Annotated[str, typer.Argument(help="The source code.")],
    overlay: Annotated[
        list[Path] | None,
        typer.Option(
            "--overlay",
            "--crosswalk",
            "-c",
            help="An overlay or extra crosswalk file, or a folder; repeatable.",
        ),
    ] = None,
) -> None:
    """Say which rule maps a code, in which crosswalk, file and line.

    Looks in every crosswalk that reads SYSTEM. Exits 1 when none reads it or
    when no rule of any of them names the code.
    """
    mappings = _load(overlay)
    found = mappings.explain(system, code)
    if not found:
        err_console.print(
            f"[red]mapping-unknown-system:[/] no crosswalk reads `{escape(system)}`; "
            "`successplan mappings list` shows the systems each reads, and an "
            "overlay can add one",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    table = Table("crosswalk", "version", "rule", "matches", "maps to", "from")
    for item in found:
        if item.rule is None or item.translation is None:
            table.add_row(
                item.crosswalk,
                escape(item.label),
                "-",
                "no rule",
                escape(f"left to policy: {item.policy}"),
                "-",
            )
            continue
        rule = item.rule
        target = _outcome_text(item.translation)
        if rule.overrides:
            target += f" (overrides {rule.overrides})"
        table.add_row(
            item.crosswalk,
            escape(item.label),
            escape(rule.id),
            escape(rule.matches() + (f" @{rule.system}" if rule.system else "")),
            escape(target),
            escape(rule.where),
        )
    console.print(table)
    if not any(item.matched for item in found):
        names = ", ".join(item.crosswalk for item in found)
        err_console.print(
            f"[red]mapping-unknown-code:[/] no rule of {escape(names)} names "
            f"`{escape(code)}`; add one in an overlay",
            soft_wrap=True,
        )
        raise typer.Exit(1)


@mappings_app.command("schema")
def mappings_schema(
    directory: Annotated[
        Path, typer.Argument(help="Where to write crosswalk.schema.json.")
    ] = Path("schemas/mappings"),
) -> None:
    """Write the JSON Schema of the crosswalk file format."""
    path = export_crosswalk_schema(directory)
    console.print(f"wrote {escape(str(path))}")
