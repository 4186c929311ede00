"""The set of crosswalks a run uses: the shipped ones, with overlays laid on.

The shipped crosswalks live as YAML in this package's ``crosswalks`` folder.
A district or agency keeps its own files elsewhere and passes them in: a file
with ``extends: <name>`` lays its rules over the shipped crosswalk of that
name; a file without ``extends`` adds a crosswalk of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from successplan.errors import MappingError

from ._compile import Document, compile_crosswalk, parse_document
from ._crosswalk import Crosswalk
from ._explain import Explanation, explain_code

__all__ = [
    "Mappings",
    "build_mappings",
    "compile_file",
    "default_mappings",
    "load_mappings",
    "read_crosswalk_file",
    "shipped_crosswalk_names",
]


def _shipped_files() -> list[tuple[str, str]]:
    root = resources.files("successplan.mappings").joinpath("crosswalks")
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Traversable]] = [("crosswalks", root)]
    while stack:
        prefix, entry = stack.pop()
        for child in entry.iterdir():
            label = f"{prefix}/{child.name}"
            if child.is_dir():
                stack.append((label, child))
            elif child.name.endswith(".yaml"):
                found.append((label, child.read_text("utf-8")))
    return sorted(found)


@cache
def _shipped_documents() -> tuple[Document, ...]:
    return tuple(parse_document(text, source) for source, text in _shipped_files())


def shipped_crosswalk_names() -> list[str]:
    """Return the names of the shipped crosswalks, sorted."""
    return sorted(doc.spec.crosswalk for doc in _shipped_documents())


def read_crosswalk_file(path: str | Path) -> Document:
    """Read and shape-check one crosswalk file.

    Raises:
        MappingError: ``mapping-not-found`` when the file does not exist, or
            ``mapping-invalid`` when it is not a valid crosswalk file.
    """
    source = Path(path)
    if not source.is_file():
        msg = f"crosswalk file `{source}` does not exist"
        raise MappingError(msg, code="mapping-not-found")
    try:
        text = source.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"crosswalk file `{source}` cannot be read as UTF-8 text: {exc}"
        raise MappingError(msg, code="mapping-invalid") from exc
    return parse_document(text, str(source))


def compile_file(path: str | Path) -> Crosswalk:
    """Compile one crosswalk file on its own.

    An overlay (``extends: <name>``) is laid over the shipped crosswalk it
    names; any other file is compiled alone. This is how two versions of one
    file are compared.

    Raises:
        MappingError: The file is missing or invalid, or extends an unknown
            crosswalk.
    """
    doc = read_crosswalk_file(path)
    parent = doc.spec.extends
    if parent is None:
        return compile_crosswalk(doc)
    shipped = {d.spec.crosswalk: d for d in _shipped_documents()}
    if parent not in shipped:
        msg = (
            f"{doc.source}: `extends: {parent}` names no shipped crosswalk; "
            f"shipped: {', '.join(sorted(shipped))}"
        )
        raise MappingError(msg, code="mapping-not-found")
    return compile_crosswalk(shipped[parent], [doc])


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        entry = Path(path)
        if entry.is_dir():
            files += sorted(
                p for p in entry.rglob("*") if p.suffix in (".yaml", ".yml")
            )
        else:
            files.append(entry)
    return files


class Mappings:
    """The crosswalks of one run, by name.

    Build it with :func:`load_mappings` (or :func:`default_mappings` for the
    shipped crosswalks alone); connectors look their crosswalks up by name.
    """

    def __init__(self, crosswalks: Iterable[Crosswalk]) -> None:
        self._by_name = {cw.name: cw for cw in crosswalks}

    def get(self, name: str) -> Crosswalk:
        """Return the crosswalk of a name.

        Raises:
            MappingError: ``mapping-not-found`` when there is none; the message
                lists the names there are.
        """
        try:
            return self._by_name[name]
        except KeyError:
            msg = f"no crosswalk named `{name}`; known: {', '.join(self.names())}"
            raise MappingError(msg, code="mapping-not-found") from None

    def names(self) -> list[str]:
        """Return the crosswalk names, sorted."""
        return sorted(self._by_name)

    def reading(self, system: str) -> list[Crosswalk]:
        """Return the crosswalks that read a source code system."""
        return [cw for cw in self if cw.reads(system)]

    def explain(self, system: str, code: str) -> list[Explanation]:
        """Say which rule of which crosswalk maps a code, without counting it.

        Returns:
            One explanation per crosswalk that reads ``system``, in name order;
            empty when none does.
        """
        return explain_code(self, system, code)

    def unmapped_counts(self) -> dict[tuple[str, str, str], int]:
        """Return the codes no rule named, as ``(crosswalk, system, code)``.

        Every translation of such a code is counted, whatever the crosswalk's
        unmapped policy (the ones that raised included), so a run summary can
        list them; the most frequent come first.
        """
        counts = [
            ((cw.name, system, code), n)
            for cw in self
            for (system, code), n in cw.unmapped.items()
        ]
        return dict(sorted(counts, key=lambda item: (-item[1], item[0])))

    def reset_counts(self) -> None:
        """Forget the unmapped counts of every crosswalk."""
        for crosswalk in self:
            crosswalk.reset_counts()

    @property
    def version(self) -> str:
        """A short fingerprint of every crosswalk and layer, for provenance.

        Two runs with the same fingerprint mapped codes with the same files at
        the same versions.
        """
        labels = "\n".join(self._by_name[name].label for name in self.names())
        return hashlib.sha256(labels.encode("utf-8")).hexdigest()[:12]

    def __getitem__(self, name: str) -> Crosswalk:
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[Crosswalk]:
        return iter(self._by_name[name] for name in self.names())

    def __len__(self) -> int:
        return len(self._by_name)

    def __repr__(self) -> str:
        return f"<Mappings {len(self)} crosswalks, version {self.version}>"


def build_mappings(base: Sequence[Document], extra: Sequence[Document]) -> Mappings:
    """Compile base documents with extra documents laid over or added to them.

    Raises:
        MappingError: Two files declare the same crosswalk, an overlay extends
            an unknown crosswalk, or any file fails its checks.
    """
    roots: dict[str, Document] = {}
    for doc in [*base, *(d for d in extra if d.spec.extends is None)]:
        name = doc.spec.crosswalk
        if name in roots:
            msg = (
                f"{doc.source}: crosswalk `{name}` is already declared by "
                f"{roots[name].source}; to change it, add `extends: {name}` and "
                "give the overlay a name of its own"
            )
            raise MappingError(msg, code="mapping-invalid")
        roots[name] = doc
    layers: dict[str, list[Document]] = {name: [] for name in roots}
    for doc in extra:
        parent = doc.spec.extends
        if parent is None:
            continue
        if parent not in roots:
            msg = (
                f"{doc.source}: `extends: {parent}` names no crosswalk; known: "
                f"{', '.join(sorted(roots))}"
            )
            raise MappingError(msg, code="mapping-not-found")
        if doc.spec.crosswalk in roots:
            msg = (
                f"{doc.source}: an overlay needs a name of its own, "
                f"not `{doc.spec.crosswalk}`"
            )
            raise MappingError(msg, code="mapping-invalid")
        layers[parent].append(doc)
    return Mappings(compile_crosswalk(roots[n], layers[n]) for n in roots)


def load_mappings(
    overlays: Iterable[str | Path] = (), *, shipped: bool = True
) -> Mappings:
    """Load the shipped crosswalks and lay overlay files over them.

    Args:
        overlays: Crosswalk files, or folders of them, applied in the order
            given (files of a folder in name order). A later overlay of the
            same crosswalk wins where two name the same code.
        shipped: Start from the shipped crosswalks; with ``False`` only the
            given files are loaded.

    Returns:
        The crosswalks.

    Raises:
        MappingError: A file is missing or invalid; the message names the file
            and line.
    """
    extra = [read_crosswalk_file(path) for path in _expand(overlays)]
    if not extra and shipped:
        return default_mappings()
    base = list(_shipped_documents()) if shipped else []
    return build_mappings(base, extra)


@cache
def default_mappings() -> Mappings:
    """Return the shipped crosswalks, compiled once per process."""
    return build_mappings(_shipped_documents(), ())
