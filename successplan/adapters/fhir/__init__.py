"""The FHIR connector: health records in; plans, referrals and consents out.

Readers take FHIR R4/R4B JSON (Bundles of any type, single resources, Bulk
Data NDJSON); :class:`FhirClient` searches a live server with paging and SMART
Backend Services tokens, and :class:`BulkExport` runs ``$export``;
:class:`FhirConverter` turns resources into canonical records; the export
functions write a canonical plan and its consents as an R4 Bundle and read it
back.
"""

from __future__ import annotations

from ._bulk import BulkExport, BulkFile, BulkManifest
from ._client import FhirClient, SearchPage
from ._consent import consent_from_fhir
from ._consent_out import consent_to_fhir
from ._convert import FhirConverter
from ._export import plan_from_bundle, plan_to_bundle, validate_r4
from ._mapping import MapperLike
from ._pull import DEFAULT_TYPES, pull_bulk, pull_search
from ._read import RawResource, iter_document, iter_ndjson, iter_value, read_path
from ._smart import SmartBackendAuth, SmartCredentials

__all__ = [
    "DEFAULT_TYPES",
    "BulkExport",
    "BulkFile",
    "BulkManifest",
    "FhirClient",
    "FhirConverter",
    "MapperLike",
    "RawResource",
    "SearchPage",
    "SmartBackendAuth",
    "SmartCredentials",
    "consent_from_fhir",
    "consent_to_fhir",
    "iter_document",
    "iter_ndjson",
    "iter_value",
    "plan_from_bundle",
    "plan_to_bundle",
    "pull_bulk",
    "pull_search",
    "read_path",
    "validate_r4",
]
