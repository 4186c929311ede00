"""The closed-loop referral: a ServiceRequest and its Tasks, joined at the end.

A Gravity-style referral is a ServiceRequest whose progress its Tasks report
(requested, accepted, in progress, completed, ...). Both are held until the
whole input is read, then each request becomes one ServiceEngagement: the
latest Task's status is its status and the earlier ones its history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from successplan.adapters._stream import stable_id
from successplan.errors import ConversionError
from successplan.schemas import (
    Domain,
    EngagementKind,
    PartyRef,
    Record,
    ServiceEngagement,
    StatusChange,
    TaskStatus,
)

from ._convert_plan import FINDING_TYPES, domain_and_category, service_category
from ._read import RawResource
from ._values import ResourceContext, as_list, cc_codings, cc_text, fhir_date, to_coding

if TYPE_CHECKING:
    from ._convert import FhirConverter

__all__ = ["Joiner", "convert_service_request", "convert_task"]

#: SNOMED CT "social service procedure": a referral to a community service.
SOCIAL_SERVICE = "410606002"
_REQUEST_STATUS = {
    "draft": TaskStatus.DRAFT,
    "active": TaskStatus.REQUESTED,
    "on-hold": TaskStatus.ON_HOLD,
    "revoked": TaskStatus.CANCELLED,
    "completed": TaskStatus.COMPLETED,
    "entered-in-error": TaskStatus.ENTERED_IN_ERROR,
}


#: Request statuses that end a referral whatever its Tasks say.
_REQUESTER_ENDS = frozenset({TaskStatus.CANCELLED, TaskStatus.ENTERED_IN_ERROR})


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
        self.conv.held = True
        item = self._referrals.setdefault(key, _Referral())
        item.request, item.raw, item.key = res, raw, key

    def add_task(self, focus: str, res: dict[str, Any], raw: RawResource) -> None:
        """Hold a Task that tracks the ServiceRequest ``focus``."""
        self.conv.held = True
        self._referrals.setdefault(focus, _Referral()).tasks.append((res, raw))

    @property
    def pending(self) -> bool:
        """Whether requests or Tasks are held, waiting for :meth:`finish`."""
        return bool(self._referrals)

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
        if _REQUEST_STATUS.get(str(res.get("status"))) in _REQUESTER_ENDS:
            # The requester withdrew the order (or it was a mistake): that
            # ends the referral whatever its Tasks last said.
            status = _REQUEST_STATUS[str(res.get("status"))]
        codings = list(cc_codings(res.get("code")))
        categories = list(cc_codings(res.get("category")))
        social = any(c["code"] == SOCIAL_SERVICE for c in categories)
        domain, category = domain_and_category(
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
                category=service_category(category, codings, res),
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
                    res.get("reasonReference"), ctx, "reasonReference", FINDING_TYPES
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
