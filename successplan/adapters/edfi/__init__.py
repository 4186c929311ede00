"""The Ed-Fi connector: API client, file readers, and conversion.

Reads the Ed-Fi ODS/API (5.x to 7.x, and the v8 API) or Ed-Fi files (API
JSON, NDJSON, XML interchange) and converts students, enrollments,
demographics, attendance, grades, assessments, programs, interventions,
discipline, contacts and staff to canonical records.
"""

from __future__ import annotations

from ._auth import ClientCredentials, TokenManager
from ._client import EdFiClient, Page
from ._codes import Codes
from ._convert import EdFiConverter
from ._discovery import ApiInfo, parse_discovery
from ._readers import RawRecord, read_files, read_json, read_ndjson, read_xml
from ._resources import guess_resource, resource_from_name, resources_for
from ._run import ConversionRun, PullOutput, pull
from ._sync import EdFiSync, SyncPage

__all__ = [
    "ApiInfo",
    "ClientCredentials",
    "Codes",
    "ConversionRun",
    "EdFiClient",
    "EdFiConverter",
    "EdFiSync",
    "Page",
    "PullOutput",
    "RawRecord",
    "SyncPage",
    "TokenManager",
    "guess_resource",
    "parse_discovery",
    "pull",
    "read_files",
    "read_json",
    "read_ndjson",
    "read_xml",
    "resource_from_name",
    "resources_for",
]
