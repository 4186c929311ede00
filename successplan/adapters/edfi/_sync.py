"""Resumable sync of Ed-Fi resources by change version.

One sync run reads, for each resource in dependency order, the items changed
in a change-version window ``[last synced + 1, newest]``: key changes first,
then the changed items (highest page first), then deletes. Progress is saved
to a :class:`~successplan.adapters.CheckpointStore` after every page the
caller has handled, together with whatever the caller adds (its output
offsets), so a run stopped at any point resumes where it stopped: nothing is
lost, and nothing handled is handed out again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from successplan.adapters._http import CheckpointStore
from successplan.errors import FatalSourceError

from ._client import EdFiClient, Page

__all__ = ["EdFiSync", "SyncPage"]

logger = logging.getLogger(__name__)

Phase = Literal["keyChanges", "upserts", "deletes"]


@dataclass(slots=True)
class SyncPage:
    """A page handed out by a sync, and what its items mean.

    Attributes:
        kind: ``upserts`` (current items), ``deletes`` (deleted items, as
            ``{id, changeVersion, keyValues}``) or ``keyChanges`` (items whose
            natural key changed, as ``{oldKeyValues, newKeyValues}``).
        resource: The resource the page belongs to.
        page: The page.
    """

    kind: Phase
    resource: str
    page: Page


class EdFiSync:
    """Syncs a list of resources from one Ed-Fi API, resumably.

    Args:
        client: An entered :class:`EdFiClient`.
        resources: Resource names, in dependency order.
        checkpoints: Where progress is kept; ``None`` keeps none.
        since_change_version: Read only changes after this version when no
            checkpoint says otherwise.
        change_queries: Use change queries; without them every run reads
            every item, and progress is still kept within a run.
        extra_state: Called before each save; its result is saved with the
            progress (a writer's byte offsets, for example).
    """

    def __init__(
        self,
        client: EdFiClient,
        resources: Sequence[str],
        *,
        checkpoints: CheckpointStore | None = None,
        since_change_version: int | None = None,
        change_queries: bool = True,
        extra_state: Callable[[], Any] | None = None,
    ) -> None:
        self._client = client
        self._resources = list(resources)
        self._store = checkpoints
        self._since = since_change_version
        self._use_cq = change_queries
        self._extra = extra_state
        self._key = f"edfi {client.base_url}"
        self.skipped: list[str] = []
        self.resumed = False
        self.window_end: int | None = None
        self._state: dict[str, Any] | None = None

    def saved_extra(self) -> Any:
        """Return what ``extra_state`` gave at the last save of an open run."""
        if self._store is None:
            return None
        state = self._store.get(self._key) or {}
        return state.get("extra") if state.get("open") else None

    def _save(self, state: dict[str, Any]) -> None:
        if self._store is None:
            return
        if self._extra is not None:
            state["extra"] = self._extra()
        self._store.set(self._key, state)

    async def _newest(self) -> int | None:
        if not self._use_cq:
            return None
        try:
            _, newest = await self._client.available_change_versions()
        except FatalSourceError as exc:
            if exc.code not in {"edfi-not-found", "edfi-no-change-queries"}:
                raise
            logger.warning("the API offers no change queries; reading everything")
            return None
        return newest

    async def run(self, *, close: bool = True) -> AsyncIterator[SyncPage]:
        """Yield every page to handle; progress is saved as each is handled.

        Progress for a page is saved when the caller asks for the next one,
        so a caller that fails while handling a page gets it again on resume.

        Args:
            close: Mark the run complete once the last page is handled. A
                caller that still writes after the last page (records gathered
                until the input ends) passes ``False`` and calls :meth:`close`
                once that output is durable; until then a stopped run resumes.
        """
        saved = self._store.get(self._key) if self._store else None
        if saved and saved.get("open"):
            state: dict[str, Any] = saved
            self.resumed = True
            logger.info("resuming an interrupted Ed-Fi sync")
        else:
            previous = (saved or {}).get("resources", {})
            state = {
                "open": True,
                "max": await self._newest(),
                "resources": {
                    name: {"synced": value.get("synced")}
                    for name, value in previous.items()
                },
            }
        self.window_end = state["max"]

        for resource in self._resources:
            async for item in self._resource(resource, state):
                yield item

        self._state = state
        if close:
            self.close()

    def close(self) -> None:
        """Mark a run whose every page was handled as complete.

        The next run then reads a new window. Does nothing before
        :meth:`run` has handed out its last page.
        """
        state = self._state
        if state is None:
            return
        state["open"] = False
        for value in state["resources"].values():
            value.pop("done", None)
        self._save(state)
        self._state = None

    async def _resource(
        self, resource: str, state: dict[str, Any]
    ) -> AsyncIterator[SyncPage]:
        entry: dict[str, Any] = state["resources"].setdefault(resource, {})
        if entry.get("done"):
            return
        high = state["max"]
        synced = entry.get("synced")
        low = (
            synced + 1
            if synced is not None
            else (self._since + 1 if self._since is not None else None)
        )
        if low is not None and high is not None and low > high:
            entry["done"] = True
            return

        phases: list[Phase] = ["upserts"]
        if low is not None and high is not None:
            phases = ["keyChanges", "upserts", "deletes"]
        start = phases.index(entry["phase"]) if "phase" in entry else 0
        for phase in phases[start:]:
            if entry.get("phase") != phase:
                entry.update(phase=phase, below=None, next=0, total=None)
            try:
                if phase == "upserts":
                    pages = self._upserts(resource, entry, low, high)
                else:
                    pages = self._children(resource, phase, entry, low, high)
                async for page in pages:
                    yield SyncPage(phase, resource, page)
                    self._save(state)
            except FatalSourceError as exc:
                if exc.code != "edfi-not-found":
                    raise
                logger.warning("the API does not offer `%s`; skipping it", resource)
                self.skipped.append(resource)
                break

        entry.clear()
        entry.update(synced=high if high is not None else synced, done=True)
        self._save(state)

    async def _upserts(
        self,
        resource: str,
        entry: dict[str, Any],
        low: int | None,
        high: int | None,
    ) -> AsyncIterator[Page]:
        if entry.get("total") is None:
            entry["total"] = await self._client.total_count(
                resource, min_version=low, max_version=high
            )
        async for page in self._client.pages_from_last(
            resource,
            entry["total"],
            below=entry.get("below"),
            min_version=low,
            max_version=high,
        ):
            entry["below"] = page.offset
            yield page

    async def _children(
        self,
        resource: str,
        phase: Phase,
        entry: dict[str, Any],
        low: int | None,
        high: int | None,
    ) -> AsyncIterator[Page]:
        # Deletes and key changes of a closed window only grow past its end,
        # so their offsets are stable and paging forward is safe.
        size = self._client.page_size
        while True:
            page, _ = await self._client.fetch_page(
                f"{resource}/{phase}",
                entry["next"],
                min_version=low,
                max_version=high,
            )
            entry["next"] += size
            yield page
            if len(page.items) < size:
                return
