"""Indicators from single Ed-Fi items: attendance, grades, assessments.

Attendance events and grades are tallied per student (the tallies become
IndicatorSeries at the end of the run); an assessment result is an
IndicatorSeries of its own at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from successplan.adapters._stream import stable_id
from successplan.errors import ConversionError
from successplan.schemas import (
    Coding,
    Domain,
    Identifier,
    Indicator,
    IndicatorPoint,
    IndicatorSeries,
    Record,
    SubIndicator,
)

from ._codes import Codes
from ._people import STUDENT_SYSTEM
from ._tallies import (
    AttendanceTally,
    GradeTally,
    attendance_kind,
    grade_result,
    indicator,
    is_failing,
)
from ._values import as_date, as_float, as_int, ref_key, require, text

if TYPE_CHECKING:
    from successplan.schemas import Provenance

    from ._people import PersonDraft

__all__ = ["HEADLINE_ORDER", "IndicatorsMixin", "headline_rank"]

SOURCE = "edfi"

#: Canonical reporting methods, best first, for the value of an assessment's
#: point: a scale score compares across administrations, a level does not.
HEADLINE_ORDER = (
    "scale-score",
    "composite-score",
    "percentile",
    "standard-score",
    "raw-score",
    "grade-equivalent",
    "proficiency-level",
    "pass-fail",
    "letter-grade",
    "growth",
    "ranking",
)
_RANKS = {method: rank for rank, method in enumerate(HEADLINE_ORDER)}
#: Where a method no crosswalk names ranks: after every known score.
_UNKNOWN = len(HEADLINE_ORDER)
#: Methods ranked here or later are not a value of the assessment
#: (``other``, a standard error); a performance level is preferred to them.
NOT_A_VALUE = _UNKNOWN + 1


def headline_rank(method: str | None) -> int:
    """Where a canonical reporting method ranks for an assessment's value.

    Lower is better; a method no crosswalk names ranks after the known
    scores, and ``other`` and ``standard-error`` after those.
    """
    if method is None:
        return _UNKNOWN
    return _RANKS.get(method, NOT_A_VALUE)


def _code_value(value: Any) -> str | None:
    """The code value of a descriptor (the part after ``#``), as received."""
    word = text(value)
    return word.rpartition("#")[2].strip() or None if word else None


class IndicatorsMixin:
    """Attendance, grades and assessments, for :class:`EdFiConverter`."""

    codes: Codes
    attendance: dict[tuple[str, str, int | None], AttendanceTally]
    grades: dict[tuple[str, ...], GradeTally]
    person: Callable[[str], PersonDraft]
    provenance: Callable[[str, str | None, str | None], Provenance]

    def _attendance(self, item: dict[str, Any], location: str) -> list[Record]:
        section = "sectionReference" in item
        resource = (
            "studentSectionAttendanceEvents"
            if section
            else "studentSchoolAttendanceEvents"
        )
        sid = ref_key(item, "studentReference", "studentUniqueId", resource)
        school_ref = item.get("schoolReference") or item.get("sectionReference") or {}
        school = (
            text(school_ref.get("schoolId")) if isinstance(school_ref, dict) else None
        )
        on = as_date(item.get("eventDate"), field="eventDate", resource=resource)
        if on is None:
            msg = f"{resource}: required field `eventDate` is missing"
            raise ConversionError(msg, code="edfi-missing-field", field="eventDate")
        found = self.codes.code(
            item.get("attendanceEventCategoryDescriptor"),
            "AttendanceEventCategoryDescriptor",
        )
        if found is None:
            msg = f"{resource}: `attendanceEventCategoryDescriptor` is missing"
            raise ConversionError(
                msg,
                code="edfi-missing-field",
                field="attendanceEventCategoryDescriptor",
            )
        words = found[0].code
        if found[1] is not None and not getattr(found[1], "matched", True):
            words = (
                text(item.get("attendanceEventCategoryDescriptor")) or ""
            ).rpartition("#")[2]
        attribute = found[1].attributes.get("attendance") if found[1] else None
        kind = attendance_kind(words, attribute)
        session = item.get("sessionReference") or item.get("sectionReference") or {}
        year = as_int(session.get("schoolYear")) if isinstance(session, dict) else None
        tally = self.attendance.setdefault((sid, school or "", year), AttendanceTally())
        tally.location = tally.location or location
        days = as_float(item.get("eventDuration"))
        tally.add(kind, on, 1.0 if days is None else days, section=section)
        self.person(sid)
        return []

    def _grade(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "grades"
        ref = item.get("studentSectionAssociationReference")
        if not isinstance(ref, dict):
            msg = f"{resource}: `studentSectionAssociationReference` is missing"
            raise ConversionError(
                msg,
                code="edfi-missing-field",
                field="studentSectionAssociationReference",
            )
        sid = ref_key(
            item, "studentSectionAssociationReference", "studentUniqueId", resource
        )
        course = text(ref.get("localCourseCode")) or "unknown course"
        year = as_int(ref.get("schoolYear"))
        section = text(ref.get("sectionIdentifier")) or ""
        school = text(ref.get("schoolId")) or ""
        period = item.get("gradingPeriodReference") or {}
        period_name = (
            text(period.get("gradingPeriodName") or period.get("periodSequence")) or ""
        )
        grade_type = (text(item.get("gradeTypeDescriptor")) or "").rpartition("#")[2]
        letter = text(item.get("letterGradeEarned"))
        numeric = as_float(item.get("numericGradeEarned"))
        if letter is None and numeric is None:
            msg = (
                f"{resource}: the grade has neither `letterGradeEarned` nor "
                "`numericGradeEarned`"
            )
            raise ConversionError(
                msg, code="edfi-missing-field", field="letterGradeEarned"
            )
        as_of = as_date(
            item.get("currentGradeAsOfDate"),
            field="currentGradeAsOfDate",
            resource=resource,
        ) or as_date(ref.get("beginDate"), field="beginDate", resource=resource)
        if as_of is None:
            msg = (
                f"{resource}: no date for the grade (currentGradeAsOfDate or beginDate)"
            )
            raise ConversionError(
                msg, code="edfi-missing-field", field="currentGradeAsOfDate"
            )
        failing = is_failing(letter, numeric)
        tally = self.grades.setdefault(
            (sid, school, course, section, str(year)), GradeTally(course, year)
        )
        tally.location = tally.location or location
        tally.points[f"{grade_type}/{period_name}"] = IndicatorPoint(
            as_of=as_of,
            value=numeric if numeric is not None else str(letter),
            school_year=year,
            term=" ".join(part for part in (grade_type, period_name) if part) or None,
            interpretation=None if failing is None else grade_result(failing),
        )
        if failing and grade_type.lower() in {"final", "semester", "exam"}:
            tally.failed_final = True
        self.person(sid)
        return []

    def _assessment(self, item: dict[str, Any], location: str) -> list[Record]:
        resource = "studentAssessments"
        sid = ref_key(item, "studentReference", "studentUniqueId", resource)
        ident = require(item, "studentAssessmentIdentifier", resource)
        assessment = ref_key(
            item, "assessmentReference", "assessmentIdentifier", resource
        )
        namespace = text(item["assessmentReference"].get("namespace")) or ""
        on = as_date(
            item.get("administrationDate"),
            field="administrationDate",
            resource=resource,
        )
        if on is None:
            msg = f"{resource}: required field `administrationDate` is missing"
            raise ConversionError(
                msg, code="edfi-missing-field", field="administrationDate"
            )
        year_ref = item.get("schoolYearTypeReference")
        year = (
            as_int(year_ref.get("schoolYear")) if isinstance(year_ref, dict) else None
        )
        level = None
        level_code = None
        for entry in item.get("performanceLevels") or []:
            if not isinstance(entry, dict):
                continue
            given = entry.get("performanceLevelDescriptor")
            found = self.codes.code(given, "PerformanceLevelDescriptor")
            if found is not None:
                level, level_code = found[0], _code_value(given)
                break
        parts: list[SubIndicator] = []
        ranks: list[int] = []
        for score in item.get("scoreResults") or []:
            if not isinstance(score, dict) or text(score.get("result")) is None:
                continue
            descriptor = score.get("assessmentReportingMethodDescriptor")
            found = self.codes.code(descriptor, "AssessmentReportingMethodDescriptor")
            method = found[1].attributes.get("method") if found and found[1] else None
            number = as_float(score.get("result"))
            value: float | str = (
                number if number is not None else str(score["result"]).strip()
            )
            parts.append(
                SubIndicator(
                    code=found[0] if found else indicator(Indicator.ASSESSMENT),
                    name=_code_value(descriptor),
                    points=[IndicatorPoint(as_of=on, value=value, school_year=year)],
                )
            )
            ranks.append(headline_rank(method))
        if not parts and level is None:
            msg = f"{resource}: `{ident}` has no score results and no performance level"
            raise ConversionError(msg, code="edfi-missing-field", field="scoreResults")
        best = min(range(len(parts)), key=ranks.__getitem__) if parts else None
        if best is not None and (ranks[best] < NOT_A_VALUE or level is None):
            headline: float | str = parts[best].points[0].value
        else:
            headline = level_code or ""
        key = (sid, namespace, assessment, ident)
        series = IndicatorSeries(
            id=stable_id("IndicatorSeries", SOURCE, "assessment", *key),
            subject=Identifier(system=STUDENT_SYSTEM, value=sid),
            code=Coding(
                system=namespace or "urn:ed-fi:assessment",
                code=assessment,
                display=assessment,
            ),
            name=assessment,
            domain=Domain.ACADEMIC,
            points=[
                IndicatorPoint(
                    as_of=on, value=headline, school_year=year, interpretation=level
                )
            ],
            sub_indicators=parts,
            provenance=self.provenance(resource, "/".join(key), location),
        )
        self.person(sid)
        return [series]
