"""Small synthetic Ed-Fi payloads, shaped like the API's JSON (DS 5)."""

from __future__ import annotations

from typing import Any

GRADES = ["Ninth grade", "Tenth grade", "Eleventh grade", "Twelfth grade"]


def student(n: int) -> dict[str, Any]:
    return {
        "studentUniqueId": f"9{n:05d}",
        "firstName": f"First{n}",
        "lastSurname": f"Last{n}",
        "birthDate": f"2010-05-0{n % 9 + 1}",
    }


def ssa(n: int) -> dict[str, Any]:
    return {
        "studentReference": {"studentUniqueId": f"9{n:05d}"},
        "schoolReference": {"schoolId": 255901001},
        "entryDate": "2021-08-23",
        "entryGradeLevelDescriptor": "uri://ed-fi.org/GradeLevelDescriptor#"
        + GRADES[n % 4],
        "schoolYearTypeReference": {"schoolYear": 2022},
    }


def assessment(n: int) -> dict[str, Any]:
    return {
        "studentAssessmentIdentifier": f"SA-{n}",
        "assessmentReference": {
            "assessmentIdentifier": "STATE-MATH",
            "namespace": "uri://ed-fi.org",
        },
        "studentReference": {"studentUniqueId": f"9{n:05d}"},
        "administrationDate": "2022-04-01",
        "scoreResults": [
            {
                "assessmentReportingMethodDescriptor": "uri://ed-fi.org/AssessmentReportingMethodDescriptor"
                "#Scale score",
                "resultDatatypeTypeDescriptor": "uri://ed-fi.org/ResultDatatypeTypeDescriptor#Integer",
                "result": str(600 + n),
            }
        ],
    }


def dataset(n: int, *, assessments: bool = False) -> dict[str, list[Any]]:
    data: dict[str, list[Any]] = {
        "students": [student(i) for i in range(n)],
        "studentSchoolAssociations": [ssa(i) for i in range(n)],
    }
    if assessments:
        data["studentAssessments"] = [assessment(i) for i in range(n)]
    return data
