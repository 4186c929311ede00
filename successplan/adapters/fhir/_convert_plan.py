"""Goal, CarePlan, and the closed-loop referral (ServiceRequest with its Tasks)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from successplan.adapters._stream import stable_id
from successplan.errors import ConversionError
from successplan.schemas import (
    DataCategory,
    Domain,
    EngagementKind,
    Goal,
    GoalAchievement,
    GoalStatus,
    MeasurableTarget,
    PartyRef,
    Record,
    ServiceEngagement,
    StatusChange,
    TaskStatus,
)

from ._convert_clinical import GRAVITY, sensitivity_floor
from ._read import RawResource
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
    "Joiner",
    "convert_care_plan",
    "convert_goal",
    "convert_service_request",
    "convert_task",
]

SOCIAL_SERVICE = "410606002"
_FINDINGS = {
    "Condition": "Finding",
    "Observation": "Finding",
    "AllergyIntolerance": "Finding",
}
_REQUEST_STATUS = {
    "draft": TaskStatus.DRAFT,
    "active": TaskStatus.REQUESTED,
    "on-hold": TaskStatus.ON_HOLD,
    "revoked": TaskStatus.CANCELLED,
    "completed": TaskStatus.COMPLETED,
    "entered-in-error": TaskStatus.ENTERED_IN_ERROR,
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


def _domain_and_category(
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
    domain, category = _domain_and_category(conv, res, codings, Domain.HEALTH)
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
            addresses=conv.refs(res.get("addresses"), ctx, "addresses", _FINDINGS),
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
    addresses = conv.refs(res.get("addresses"), ctx, "addresses", _FINDINGS)
    goals = conv.refs(res.get("goal"), ctx, "goal", {"Goal": "Goal"})
    plan_codes = list(cc_codings(res.get("category")))
    out: list[Record] = []
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
        domain, category = _domain_and_category(
            conv, res, codings + plan_codes, Domain.HEALTH
        )
        out.append(
            ServiceEngagement(
                id=stable_id("ServiceEngagement", conv.source, key, f"activity[{i}]"),
                provenance=conv.provenance(f"{key}#activity[{i}]", ctx.location),
                subject=subject,
                category=_service_category(category, codings + plan_codes, res),
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


def _service_category(
    category: DataCategory | None, codings: list[dict[str, Any]], res: Mapping[str, Any]
) -> DataCategory:
    floored = sensitivity_floor(category, codings, res)
    if category is None and floored is DataCategory.HEALTH:
        return DataCategory.SERVICES
    return floored


@dataclass
class _Referral:
    request: dict[str, Any] | None = None
    raw: RawResource | None = None
    key: str = ""
    tasks: list[tuple[dict[str, Any], RawResource]] = field(default_factory=list)


class Joiner:
    """Holds ServiceRequests and their Tasks until the end of a run, then joins them."""

    def __init__(self, conv: FhirConverter) -> None:
        self.conv = conv
        self._referrals: dict[str, _Referral] = {}

    def add_request(self, key: str, res: dict[str, Any], raw: RawResource) -> None:
        """Hold a ServiceRequest."""
        item = self._referrals.setdefault(key, _Referral())
        item.request, item.raw, item.key = res, raw, key

    def add_task(self, focus: str, res: dict[str, Any], raw: RawResource) -> None:
        """Hold a Task that tracks the ServiceRequest ``focus``."""
        self._referrals.setdefault(focus, _Referral()).tasks.append((res, raw))

    def finish(self) -> list[Record | tuple[RawResource, ConversionError]]:
        """Join each ServiceRequest with its Tasks into one ServiceEngagement."""
        out: list[Record | tuple[RawResource, ConversionError]] = []
        for focus, item in self._referrals.items():
            if item.request is None or item.raw is None:
                for task, raw in item.tasks:
                    ctx = ResourceContext(task, raw.location)
                    out.append(
                        (
                            raw,
                            ctx.error(
                                field="focus",
                                problem=f"refers to `{focus}`, which is not in "
                                "this input; convert the ServiceRequest with its Tasks",
                                code="fhir-reference-missing",
                            ),
                        )
                    )
                continue
            try:
                out.append(self._engagement(item))
            except ConversionError as exc:
                out.append((item.raw, exc))
        self._referrals.clear()
        return out

    def _engagement(self, item: _Referral) -> ServiceEngagement:
        conv, res = self.conv, item.request
        assert res is not None and item.raw is not None  # noqa: S101 - checked by finish
        ctx = ResourceContext(res, item.raw.location)
        status = _REQUEST_STATUS.get(str(res.get("status")))
        if status is None:
            raise ctx.error(
                field="status",
                problem=f"is `{res.get('status')}`, not a request status",
                code="fhir-bad-code",
            )
        history: list[StatusChange] = []
        tasks = sorted(
            item.tasks,
            key=lambda t: str(t[0].get("lastModified") or t[0].get("authoredOn") or ""),
        )
        provider = None
        for task, raw in tasks:
            tctx = ResourceContext(task, raw.location)
            try:
                task_status = TaskStatus(str(task.get("status")))
            except ValueError:
                raise tctx.error(
                    field="status",
                    problem=f"is `{task.get('status')}`, not a Task status",
                    code="fhir-bad-code",
                ) from None
            when = task.get("lastModified") or task.get("authoredOn")
            reason = cc_text(task.get("statusReason"))
            if when:
                history.append(
                    StatusChange(
                        status=task_status,
                        at=fhir_date(when, tctx, "lastModified"),
                        note=reason,
                        by=PartyRef(display=task["owner"]["display"])
                        if isinstance(task.get("owner"), dict)
                        and task["owner"].get("display")
                        else None,
                    )
                )
            status = task_status
            if isinstance(task.get("owner"), dict) and task["owner"].get("display"):
                provider = str(task["owner"]["display"])
        codings = list(cc_codings(res.get("code")))
        categories = list(cc_codings(res.get("category")))
        social = any(c["code"] == SOCIAL_SERVICE for c in categories)
        domain, category = _domain_and_category(
            conv, res, codings, Domain.BASIC_NEEDS if social else Domain.HEALTH
        )
        name = cc_text(res.get("code"))
        if not name:
            raise ctx.error(
                field="code",
                problem="is missing, so the referral names no service",
                code="fhir-missing-element",
            )
        performers = [
            p
            for p in as_list(res.get("performer"))
            if isinstance(p, dict) and p.get("display")
        ]
        requester = (
            res.get("requester") if isinstance(res.get("requester"), dict) else None
        )
        try:
            return ServiceEngagement(
                id=stable_id("ServiceEngagement", conv.source, item.key),
                provenance=conv.provenance(item.key, ctx.location),
                subject=conv.subject(res, ctx, "subject"),
                category=_service_category(category, codings, res),
                kind=EngagementKind.REFERRAL,
                service_name=name,
                service_types=[to_coding(c) for c in codings],
                provider_name=provider
                or (str(performers[0]["display"]) if performers else None),
                domain=domain,
                status=status,
                status_history=history[:-1]
                if history and history[-1].status is status
                else history,
                referred_on=fhir_date(res.get("authoredOn"), ctx, "authoredOn"),
                referred_by=PartyRef(display=str(requester["display"]))
                if requester and requester.get("display")
                else None,
                reason=cc_text(res.get("reasonCode")),
                addresses=conv.refs(
                    res.get("reasonReference"), ctx, "reasonReference", _FINDINGS
                ),
                supports_goals=conv.refs(
                    res.get("supportingInfo"), ctx, "supportingInfo", {"Goal": "Goal"}
                ),
            )
        except ValidationError as exc:
            raise ctx.error(
                field="",
                problem=f"does not make a valid referral: {exc.errors()[0]['msg']}",
                code="fhir-invalid",
            ) from exc


def convert_service_request(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Hold a ServiceRequest; joined with its Tasks at the end."""
    conv.subject(res, ctx, "subject")
    conv.joiner.add_request(key, res, RawResource(res, ctx.location))
    return []


def convert_task(
    conv: FhirConverter, res: dict[str, Any], ctx: ResourceContext, key: str
) -> list[Record]:
    """Hold a referral Task (its focus is a ServiceRequest); skip any other."""
    target = conv.resolve(res.get("focus"), ctx, "focus")
    if target is None or not target.startswith("ServiceRequest/"):
        conv.summary.skipped["Task (not a referral)"] += 1
        return []
    if res.get("status") not in {s.value for s in TaskStatus}:
        raise ctx.error(
            field="status",
            problem=f"is `{res.get('status')}`, not a Task status",
            code="fhir-bad-code",
        )
    conv.joiner.add_task(target, res, RawResource(res, ctx.location))
    return []
