"""Indicators that need many Ed-Fi items: attendance, grades, discipline.

Ed-Fi records attendance as exceptions (absences, tardies), grades one per
course and grading period, and discipline one item per incident or action.
These tallies gather the items per student and give one IndicatorSeries each
when the run ends.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from successplan.mappings import canonical_system
from successplan.schemas import Coding, Indicator, IndicatorPoint, Period, SubIndicator

__all__ = [
    "GRADE_RESULT_SYSTEM",
    "INDICATOR_SYSTEM",
    "AttendanceTally",
    "GradeTally",
    "attendance_kind",
    "failures_by_year",
    "grade_result",
    "indicator",
    "is_failing",
]

#: Code system of the indicators this connector derives.
INDICATOR_SYSTEM = canonical_system(Indicator)

#: Code system of the passing or failing reading of a grade.
GRADE_RESULT_SYSTEM = "urn:successplan:edfi:grade-result"

_NAMES = {
    Indicator.DAYS_ABSENT: "Days absent",
    Indicator.ATTENDANCE_RATE: "Attendance rate",
    Indicator.CHRONIC_ABSENCE: "Chronic absence",
    Indicator.EXCUSED_ABSENCES: "Excused absences",
    Indicator.UNEXCUSED_ABSENCES: "Unexcused absences",
    Indicator.TARDIES: "Tardies",
    Indicator.CLASS_ABSENCES: "Class-period absences",
    Indicator.COURSE_GRADE: "Course grade",
    Indicator.COURSE_FAILURES: "Course failures",
    Indicator.ASSESSMENT: "Assessment result",
    Indicator.DISCIPLINE_INCIDENTS: "Discipline incidents",
    Indicator.DISCIPLINE_ACTIONS: "Discipline actions",
}

_CODINGS = {
    code: Coding(system=INDICATOR_SYSTEM, code=code.value, display=name)
    for code, name in _NAMES.items()
}

_GRADE_RESULTS = {
    failing: Coding(
        system=GRADE_RESULT_SYSTEM,
        code="failing" if failing else "passing",
        display="Failing" if failing else "Passing",
    )
    for failing in (True, False)
}


def indicator(code: Indicator) -> Coding:
    """The coding of a derived indicator, such as ``Indicator.DAYS_ABSENT``."""
    return _CODINGS[code]


def grade_result(failing: bool) -> Coding:
    """The interpretation of a grade: passing or failing."""
    return _GRADE_RESULTS[failing]


AttendanceKind = Literal["excused", "unexcused", "tardy", "present", "other"]


def attendance_kind(code_value: str, attribute: str | None = None) -> AttendanceKind:
    """Classify an attendance event category such as ``Unexcused Absence``.

    A crosswalk attribute (``attendance: excused``) wins over the words.
    """
    if attribute in {"excused", "unexcused", "tardy", "present", "other"}:
        return attribute  # type: ignore[return-value]
    words = code_value.lower()
    if "partial" in words or "early" in words:
        return "other"
    if "tardy" in words or "late" in words:
        return "tardy"
    if "absen" in words:
        return "unexcused" if "unexcused" in words else "excused"
    if "attendance" in words or "present" in words:
        return "present"
    return "other"


@dataclass
class AttendanceTally:
    """Absences of one student at one school in one school year."""

    excused: float = 0.0
    unexcused: float = 0.0
    tardies: int = 0
    class_absences: int = 0
    first: date | None = None
    last: date | None = None
    location: str | None = None

    def add(
        self, kind: AttendanceKind, on: date, days: float, *, section: bool
    ) -> None:
        """Count one attendance event."""
        self.first = on if self.first is None or on < self.first else self.first
        self.last = on if self.last is None or on > self.last else self.last
        if kind == "tardy":
            self.tardies += 1
        elif kind in ("excused", "unexcused") and section:
            self.class_absences += 1
        elif kind == "excused":
            self.excused += days
        elif kind == "unexcused":
            self.unexcused += days

    @property
    def days_absent(self) -> float:
        """Whole-day absences, excused and unexcused."""
        return self.excused + self.unexcused

    def sub_indicators(self, year: int | None) -> list[SubIndicator]:
        """Excused, unexcused, tardies and class absences as parts."""
        assert self.last is not None  # noqa: S101 - set by add
        period = Period(start=self.first, end=self.last)
        parts = [
            (Indicator.EXCUSED_ABSENCES, self.excused, "day"),
            (Indicator.UNEXCUSED_ABSENCES, self.unexcused, "day"),
            (Indicator.TARDIES, float(self.tardies), "event"),
            (Indicator.CLASS_ABSENCES, float(self.class_absences), "class period"),
        ]
        return [
            SubIndicator(
                code=indicator(code),
                name=_NAMES[code],
                unit=unit,
                points=[
                    IndicatorPoint(
                        as_of=self.last, value=value, period=period, school_year=year
                    )
                ],
            )
            for code, value, unit in parts
        ]


def is_failing(letter: str | None, numeric: float | None) -> bool | None:
    """Whether a grade fails: letter F or E, or a number below 60."""
    if letter:
        head = letter.strip().upper()[:1]
        if head in {"F", "E"}:
            return True
        if head in {"A", "B", "C", "D", "P", "S"}:
            return False
    if numeric is not None:
        return numeric < 60
    return None


@dataclass
class GradeTally:
    """Grades of one student in one course section of one school year."""

    course: str
    school_year: int | None
    points: dict[str, IndicatorPoint] = field(default_factory=dict)
    failed_final: bool = False
    location: str | None = None


def failures_by_year(tallies: list[GradeTally]) -> dict[int | None, int]:
    """Courses with a failing final or semester grade, per school year."""
    counts: dict[int | None, int] = defaultdict(int)
    for tally in tallies:
        counts[tally.school_year] += int(tally.failed_final)
    return dict(counts)
