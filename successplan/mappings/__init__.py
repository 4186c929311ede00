"""Crosswalks from source code systems to canonical codes, and their engine.

A crosswalk is a YAML file, shipped in this package or kept by a district,
that maps the codes of one or more source systems (Ed-Fi descriptors,
OneRoster roles, SNOMED CT and ICD-10-CM conditions, AIRS taxonomy codes, ...)
onto canonical code sets or standard code systems. Connectors translate every
code through one, and store the trace of the rule that decided on the result.

    >>> from successplan.mappings import default_mappings
    >>> from successplan.schemas import ProgramType
    >>> programs = default_mappings().get("edfi-program-type")
    >>> found = programs.translate_descriptor(
    ...     "uri://ed-fi.org/ProgramTypeDescriptor#Section 504 Placement"
    ... )
    >>> found.get(ProgramType)
    <ProgramType.SECTION_504: 'section-504'>
"""

from __future__ import annotations

from ._compile import Document, code_sets
from ._crosswalk import (
    Crosswalk,
    CrosswalkDeprecationWarning,
    Layer,
    Rule,
    normalize_code,
)
from ._diff import CodeChange, RuleChange, diff_codes, diff_rules, parse_code_lines
from ._explain import Explanation, RangeOverlap, range_overlaps
from ._jsonschema import (
    CROSSWALK_SCHEMA_ID,
    crosswalk_json_schema,
    export_crosswalk_schema,
)
from ._mapper import Mapper, MappingResult
from ._registry import (
    Mappings,
    build_mappings,
    compile_file,
    default_mappings,
    load_mappings,
    read_crosswalk_file,
    shipped_crosswalk_names,
)
from ._systems import (
    ADMINISTRATIVE_GENDER,
    AIRS_PHONE_TYPE,
    AIRS_TAXONOMY,
    BCP47,
    CANONICAL_SYSTEM_PREFIX,
    CDC_RACE_ETHNICITY,
    CEDS_GRADE_LEVEL,
    CVX,
    EDFI_DESCRIPTOR_PREFIX,
    FHIR_CONDITION_CLINICAL,
    FHIR_GOAL_ACHIEVEMENT,
    FHIR_GOAL_STATUS,
    FHIR_ORGANIZATION_TYPE,
    FHIR_REQUEST_STATUS,
    FHIR_TASK_STATUS,
    GRAVITY_SDOH_CATEGORY,
    HSDS_SERVICE_STATUS,
    ICD10CM,
    IMMUNIZATION_GROUP,
    LOINC,
    ONEROSTER_DEMOGRAPHICS,
    ONEROSTER_GRADE,
    ONEROSTER_ORG_TYPE,
    ONEROSTER_ROLE,
    ONEROSTER_SEX,
    ONEROSTER_STATUS,
    OPEN_ELIGIBILITY,
    SNOMED,
    V2_CONTACT_ROLE,
    V3_ROLE_CODE,
    canonical_system,
    edfi_descriptor_system,
    split_edfi_descriptor,
)
from ._translation import Outcome, Target, Translation

__all__ = [
    "ADMINISTRATIVE_GENDER",
    "AIRS_PHONE_TYPE",
    "AIRS_TAXONOMY",
    "BCP47",
    "CANONICAL_SYSTEM_PREFIX",
    "CDC_RACE_ETHNICITY",
    "CEDS_GRADE_LEVEL",
    "CROSSWALK_SCHEMA_ID",
    "CVX",
    "EDFI_DESCRIPTOR_PREFIX",
    "IMMUNIZATION_GROUP",
    "FHIR_CONDITION_CLINICAL",
    "FHIR_GOAL_ACHIEVEMENT",
    "FHIR_GOAL_STATUS",
    "FHIR_ORGANIZATION_TYPE",
    "FHIR_REQUEST_STATUS",
    "FHIR_TASK_STATUS",
    "GRAVITY_SDOH_CATEGORY",
    "HSDS_SERVICE_STATUS",
    "ICD10CM",
    "LOINC",
    "ONEROSTER_DEMOGRAPHICS",
    "ONEROSTER_GRADE",
    "ONEROSTER_ORG_TYPE",
    "ONEROSTER_ROLE",
    "ONEROSTER_SEX",
    "ONEROSTER_STATUS",
    "OPEN_ELIGIBILITY",
    "SNOMED",
    "V2_CONTACT_ROLE",
    "V3_ROLE_CODE",
    "CodeChange",
    "Crosswalk",
    "CrosswalkDeprecationWarning",
    "Document",
    "Explanation",
    "Layer",
    "Mapper",
    "MappingResult",
    "Mappings",
    "Outcome",
    "RangeOverlap",
    "Rule",
    "RuleChange",
    "Target",
    "Translation",
    "build_mappings",
    "canonical_system",
    "code_sets",
    "compile_file",
    "crosswalk_json_schema",
    "default_mappings",
    "diff_codes",
    "diff_rules",
    "edfi_descriptor_system",
    "export_crosswalk_schema",
    "load_mappings",
    "normalize_code",
    "parse_code_lines",
    "range_overlaps",
    "read_crosswalk_file",
    "shipped_crosswalk_names",
    "split_edfi_descriptor",
]
