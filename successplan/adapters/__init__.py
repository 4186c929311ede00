"""Connectors: one sub-package per source standard.

Each reads its source, converts to canonical records with provenance, and
writes the record stream; what they share lives here.
"""

from __future__ import annotations

from ._http import (
    CheckpointStore,
    RetryPolicy,
    raise_for_status,
    require_https,
    send_with_retry,
)
from ._stream import (
    EncodedRecord,
    PartsEncoder,
    QuarantineEntry,
    QuarantineWriter,
    RecordWriter,
    RunSummary,
    stable_id,
    stable_ids,
)

__all__ = [
    "CheckpointStore",
    "EncodedRecord",
    "PartsEncoder",
    "QuarantineEntry",
    "QuarantineWriter",
    "RecordWriter",
    "RetryPolicy",
    "RunSummary",
    "raise_for_status",
    "require_https",
    "send_with_retry",
    "stable_id",
    "stable_ids",
]
