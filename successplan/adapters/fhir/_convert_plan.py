"""Goal and CarePlan: goals with their targets, and planned activities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from successplan.adapters._stream import stable_id
from successplan.schemas import (
    DataCategory,
    Domain,
    EngagementKind,
    Goal,
    GoalAchievement,
    GoalStatus,
    MeasurableTarget,
    Record,
    ServiceEngagement,
    TaskStatus,
)

from ._sensitivity import GRAVITY, sensitivity_floor
from ._values import (
    ResourceContext,
    as_list,
    cc_codings,
    cc_text,
    fhir_date,
    fhir_period,
    to_coding,
)

if TYPE_CHECKING:
    from ._convert import FhirConverter

__all__ = [
    "FINDING_TYPES",
    "convert_care_plan",
    "convert_goal",
    "domain_and_category",
    "service_category",
]

#: FHIR types whose records are findings, for references to what a plan addresses.
FINDING_TYPES = {
    "Condition": "Finding",
    "Observation": "Finding",
    "AllergyIntolerance": "Finding",
}
_ACTIVITY_STATUS = {
    "not-started": TaskStatus.REQUESTED,
    "scheduled": TaskStatus.ACCEPTED,
    "in-progress": TaskStatus.IN_PROGRESS,
    "on-hold": TaskStatus.ON_HOLD,
    "completed": TaskStatus.COMPLETED,
    "cancelled": TaskStatus.CANCELLED,
    "stopped": TaskStatus.CANCELLED,
    "unknown": TaskStatus.REQUESTED,
    "entered-in-error": TaskStatus.ENTERED_IN_ERROR,
}


def domain_and_category(
    conv: FhirConverter,
    res: Mapping[str, Any],
    codings: list[dict[str, Any]],
    fallback: Domain,
) -> tuple[Domain, DataCategory | None]:
    sdoh = [c for c in cc_codings(res.get("category")) if c["system"] == GRAVITY]
    others = [c for c in cc_codings(res.get("category")) if c["system"] != GRAVITY]
    for group in (sdoh, codings, others):
        result = conv.lookup(group) if group else None
        if result is not None and result.domain is not None:
            return result.domain, result.category
    return fallback, None


def convert_goal(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Convert a Goal: description, domain, lifecycle, achievement, targets."""
    try:
        status = GoalStatus(str(res.get("lifecycleStatus")))
    except ValueError:
        raise ctx.error(
            field="lifecycleStatus",
            problem=f"is `{res.get('lifecycleStatus')}`, not a goal lifecycle status",
            code="fhir-bad-code",
        ) from None
    achieved = next(
        iter(c["code"] for c in cc_codings(res.get("achievementStatus"))), None
    )
    try:
        achievement = GoalAchievement(achieved) if achieved else None
    except ValueError:
        raise ctx.error(
            field="achievementStatus",
            problem=f"is `{achieved}`, not a goal achievement code",
            code="fhir-bad-code",
        ) from None

    codings = list(cc_codings(res.get("description")))
    description = cc_text(res.get("description"))
    if not description:
        raise ctx.error(
            field="description",
            problem="is missing; a goal needs words or a code",
            code="fhir-missing-element",
        )
    domain, category = domain_and_category(conv, res, codings, Domain.HEALTH)
    result = conv.lookup(codings)
    targets = []
    for i, target in enumerate(as_list(res.get("target"))):
        made = _target(target, ctx, f"target[{i}]")
        if made is not None:
            targets.append(made)
    due = min((t.due for t in targets if t.due), default=None)
    return [
        Goal(
            id=stable_id("Goal", conv.source, key),
            provenance=conv.provenance(key, ctx.location),
            subject=conv.subject(res, ctx, "subject"),
            category=sensitivity_floor(category, codings, res)
            if category is None or category.value.startswith("health")
            else category,
            description=description,
            domain=domain,
            code=result.coding
            if result is not None
            else (to_coding(codings[0]) if codings else None),
            status=status,
            achievement=achievement,
            start_date=fhir_date(res.get("startDate"), ctx, "startDate"),
            due_date=due,
            targets=targets,
            addresses=conv.refs(res.get("addresses"), ctx, "addresses", FINDING_TYPES),
        )
    ]


def _target(target: Any, ctx: ResourceContext, where: str) -> MeasurableTarget | None:
    if not isinstance(target, dict):
        return None
    value: float | str | bool | None = None
    unit = None
    comparator = ">="
    if isinstance(target.get("detailQuantity"), dict):
        value = target["detailQuantity"].get("value")
        unit = target["detailQuantity"].get("unit")
        comparator = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}.get(
            target["detailQuantity"].get("comparator"), ">="
        )
    elif "detailInteger" in target:
        value = target["detailInteger"]
    elif "detailString" in target:
        value = target["detailString"]
    elif "detailBoolean" in target:
        value, comparator = target["detailBoolean"], "="
    elif "detailCodeableConcept" in target:
        value, comparator = cc_text(target["detailCodeableConcept"]), "="
    elif isinstance(target.get("detailRange"), dict):
        low = (target["detailRange"].get("low") or {}).get("value")
        high = (target["detailRange"].get("high") or {}).get("value")
        value, comparator = (low, ">=") if low is not None else (high, "<=")
    if value is None:
        return None
    measure_codes = list(cc_codings(target.get("measure")))
    return MeasurableTarget.model_validate(
        {
            "measure": cc_text(target.get("measure")) or "target",
            "code": to_coding(measure_codes[0]) if measure_codes else None,
            "unit": unit,
            "comparator": comparator,
            "target": value,
            "due": fhir_date(target.get("dueDate"), ctx, f"{where}.dueDate"),
        }
    )


def convert_care_plan(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Turn each planned activity of a CarePlan into an intervention engagement."""
    subject = conv.subject(res, ctx, "subject")
    period = fhir_period(res.get("period"), ctx, "period")
    addresses = conv.refs(res.get("addresses"), ctx, "addresses", FINDING_TYPES)
    goals = conv.refs(res.get("goal"), ctx, "goal", {"Goal": "Goal"})
    plan_codes = list(cc_codings(res.get("category")))
    out: list[Record] = []
    seen: dict[str, int] = {}
    for i, activity in enumerate(as_list(res.get("activity"))):
        detail = activity.get("detail") if isinstance(activity, dict) else None
        if not isinstance(detail, dict):
            continue
        codings = list(cc_codings(detail.get("code")))
        name = (
            cc_text(detail.get("code"))
            or detail.get("description")
            or res.get("title")
            or cc_text(res.get("category"))
        )
        if not name:
            raise ctx.error(
                field=f"activity[{i}].detail.code",
                problem="is missing, so the activity has no name",
                code="fhir-missing-element",
            )
        status = _ACTIVITY_STATUS.get(str(detail.get("status")))
        if status is None:
            raise ctx.error(
                field=f"activity[{i}].detail.status",
                problem=f"is `{detail.get('status')}`, not an activity status",
                code="fhir-bad-code",
            )
        domain, category = domain_and_category(
            conv, res, codings + plan_codes, Domain.HEALTH
        )
        # Keyed by what the activity is, not where it stands in the list, so
        # a reordered CarePlan keeps its ids; a repeat of the same activity
        # is told apart by its occurrence.
        what = f"{codings[0]['system']}|{codings[0]['code']}" if codings else str(name)
        seen[what] = seen.get(what, 0) + 1
        occurrence = f"{what}#{seen[what]}" if seen[what] > 1 else what
        out.append(
            ServiceEngagement(
                id=stable_id("ServiceEngagement", conv.source, key, occurrence),
                provenance=conv.provenance(f"{key}#activity[{i}]", ctx.location),
                subject=subject,
                category=service_category(category, codings + plan_codes, res),
                kind=EngagementKind.INTERVENTION,
                service_name=str(name),
                service_types=[to_coding(c) for c in codings],
                domain=domain,
                status=status,
                period=period,
                addresses=addresses,
                supports_goals=goals,
            )
        )
    if not out:
        conv.summary.skipped["CarePlan (no activities)"] += 1
    return out


def service_category(
    category: DataCategory | None, codings: list[dict[str, Any]], res: Mapping[str, Any]
) -> DataCategory:
    floored = sensitivity_floor(category, codings, res)
    if category is None and floored is DataCategory.HEALTH:
        return DataCategory.SERVICES
    return floored
