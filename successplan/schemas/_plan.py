"""Findings, goals, services, the team, indicators, and the plan that holds them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from ._base import CanonicalModel
from ._categories import DataCategory, field
from ._codes import (
    AchievementKind,
    ActionStatus,
    Domain,
    EngagementKind,
    FindingKind,
    FindingStatus,
    GoalAchievement,
    GoalStatus,
    GoalTerm,
    PlanStatus,
    ServiceSetting,
    TaskStatus,
    TeamRole,
    Tier,
)
from ._person import Person
from ._record import SubjectRecord
from ._types import (
    Coding,
    ContactPoint,
    HumanName,
    Identifier,
    NonEmptyStr,
    Period,
)

__all__ = [
    "Achievement",
    "ActionStep",
    "Evidence",
    "Finding",
    "Goal",
    "IndicatorPoint",
    "IndicatorSeries",
    "MeasurableTarget",
    "Milestone",
    "Obstacle",
    "PartyRef",
    "ProgressEntry",
    "ServiceEngagement",
    "StatusChange",
    "SubIndicator",
    "SuccessPlan",
    "TeamMember",
    "Utilization",
]

Value = float | str | bool


def _one_present(**fields: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema for "at least one of these fields holds such a value".

    It states in the published schema what a model validator checks, so a
    document the schema accepts is not refused by the models.
    """
    return {
        "anyOf": [
            {"required": [name], "properties": {name: value}}
            for name, value in fields.items()
        ]
    }


_NOT_NULL: dict[str, Any] = {"not": {"type": "null"}}


class PartyRef(CanonicalModel):
    """Someone who did or owns something: a team member, a role, or a name."""

    model_config = ConfigDict(
        json_schema_extra=_one_present(
            team_member=_NOT_NULL, role=_NOT_NULL, display=_NOT_NULL
        )
    )

    team_member: str | None = field(
        DataCategory.PLAN, "Id of a TeamMember of the same plan.", None
    )
    role: TeamRole | None = field(DataCategory.PLAN, "The party's role.", None)
    display: str | None = field(DataCategory.PLAN, "The party's name as shown.", None)
    organization: str | None = field(
        DataCategory.PLAN, "The party's organization, by name or id.", None
    )

    @model_validator(mode="after")
    def _names_someone(self) -> PartyRef:
        if self.team_member is None and self.role is None and self.display is None:
            msg = "a party needs a team_member, a role or a display name"
            raise ValueError(msg)
        return self


class Evidence(CanonicalModel):
    """A source record that supports a finding."""

    system: NonEmptyStr = field(DataCategory.ADMINISTRATIVE, "Source system.")
    record: NonEmptyStr = field(DataCategory.ADMINISTRATIVE, "Source record id.")
    display: str | None = field(
        DataCategory.PLAN, "What the evidence is.", None, follows_record=True
    )


class Finding(SubjectRecord):
    """A strength, interest, need or risk factor of the child."""

    model_config = ConfigDict(
        json_schema_extra=_one_present(
            code={"type": "object"},
            description={"type": "string", "minLength": 1},
        )
    )

    type: Literal["Finding"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "Finding"
    )
    kind: FindingKind = field(DataCategory.PLAN, "What the finding says.")
    domain: Domain = field(DataCategory.PLAN, "The domain it belongs to.")
    category: DataCategory = field(
        DataCategory.ADMINISTRATIVE,
        "Data category of the finding's content (a substance-use need is "
        "`health.sud`).",
        DataCategory.PLAN,
        follows_record=True,
    )
    code: Coding | None = field(
        DataCategory.PLAN, "The finding as a code.", None, follows_record=True
    )
    description: str | None = field(
        DataCategory.PLAN, "The finding in words.", None, follows_record=True
    )
    status: FindingStatus = field(
        DataCategory.PLAN, "Whether it still holds.", FindingStatus.ACTIVE
    )
    priority: Literal["high", "medium", "low"] | None = field(
        DataCategory.PLAN, "How pressing a need is.", None
    )
    identified_on: date | None = field(DataCategory.PLAN, "When it was noted.", None)
    identified_by: PartyRef | None = field(DataCategory.PLAN, "Who noted it.", None)
    method: (
        Literal[
            "assessment",
            "screening",
            "observation",
            "self-report",
            "family-report",
            "record",
            "review",
        ]
        | None
    ) = field(DataCategory.PLAN, "How it was found.", None)
    evidence: list[Evidence] = field(
        DataCategory.PLAN, "Source records behind it.", default_factory=list
    )

    @model_validator(mode="after")
    def _says_something(self) -> Finding:
        if self.code is None and not self.description:
            msg = "a finding needs a code or a description"
            raise ValueError(msg)
        return self


class MeasurableTarget(CanonicalModel):
    """A measurable target: a measure, where it starts and where it should get."""

    measure: NonEmptyStr = field(DataCategory.PLAN, "What is measured, in words.")
    code: Coding | None = field(DataCategory.PLAN, "The measure as a code.", None)
    unit: str | None = field(DataCategory.PLAN, "Unit of the values.", None)
    baseline: Value | None = field(DataCategory.PLAN, "Value at the start.", None)
    baseline_date: date | None = field(
        DataCategory.PLAN, "When the baseline was taken.", None
    )
    comparator: Literal[">=", "<=", ">", "<", "="] = field(
        DataCategory.PLAN, "How a value is compared to the target.", ">="
    )
    target: Value = field(DataCategory.PLAN, "The value to reach.")
    due: date | None = field(DataCategory.PLAN, "When it should be reached.", None)


class Milestone(CanonicalModel):
    """A step on the way to a goal."""

    description: NonEmptyStr = field(DataCategory.PLAN, "The milestone.")
    due: date | None = field(DataCategory.PLAN, "When it is due.", None)
    status: ActionStatus = field(
        DataCategory.PLAN, "Its state.", ActionStatus.NOT_STARTED
    )
    achieved_on: date | None = field(DataCategory.PLAN, "When it was reached.", None)


class ActionStep(CanonicalModel):
    """Something someone will do toward a goal."""

    description: NonEmptyStr = field(DataCategory.PLAN, "The action.")
    owner: PartyRef = field(DataCategory.PLAN, "Who will do it.")
    due: date | None = field(DataCategory.PLAN, "When it is due.", None)
    status: ActionStatus = field(
        DataCategory.PLAN, "Its state.", ActionStatus.NOT_STARTED
    )
    completed_on: date | None = field(DataCategory.PLAN, "When it was done.", None)


class Obstacle(CanonicalModel):
    """Something in the way of a goal, and how to get past it."""

    description: NonEmptyStr = field(DataCategory.PLAN, "The obstacle.")
    strategy: str | None = field(DataCategory.PLAN, "How to get past it.", None)


class ProgressEntry(CanonicalModel):
    """A look at how a goal is going."""

    assessed_on: date = field(DataCategory.PLAN, "When progress was assessed.")
    value: Value | None = field(DataCategory.PLAN, "A measured value.", None)
    target: int | None = field(
        DataCategory.PLAN, "Index of the target the value is for.", None, ge=0
    )
    rating: Coding | None = field(
        DataCategory.PLAN,
        "A progress rating from the program's scale (for example Progressing).",
        None,
    )
    achievement: GoalAchievement | None = field(
        DataCategory.PLAN, "The rating on the canonical scale.", None
    )
    period: str | None = field(
        DataCategory.PLAN, "The reporting period (Q1, fall, 2025-26).", None
    )
    note: str | None = field(DataCategory.PLAN, "What was said about it.", None)
    recorded_by: PartyRef | None = field(DataCategory.PLAN, "Who assessed it.", None)


class Goal(SubjectRecord):
    """A goal the child and team set, with measurable targets."""

    type: Literal["Goal"] = field(DataCategory.ADMINISTRATIVE, "Record type.", "Goal")
    category: DataCategory = field(
        DataCategory.ADMINISTRATIVE,
        "Data category of the goal's content.",
        DataCategory.PLAN,
        follows_record=True,
    )
    description: NonEmptyStr = field(
        DataCategory.PLAN, "The goal in words.", follows_record=True
    )
    domain: Domain = field(DataCategory.PLAN, "The domain it belongs to.")
    code: Coding | None = field(
        DataCategory.PLAN, "The goal as a code.", None, follows_record=True
    )
    term: GoalTerm | None = field(DataCategory.PLAN, "Short or long term.", None)
    student_driven: bool = field(
        DataCategory.PLAN, "Whether the student set the goal.", False
    )
    status: GoalStatus = field(DataCategory.PLAN, "Lifecycle.", GoalStatus.ACTIVE)
    achievement: GoalAchievement | None = field(
        DataCategory.PLAN, "How far it has come.", None
    )
    start_date: date | None = field(DataCategory.PLAN, "When work began.", None)
    due_date: date | None = field(DataCategory.PLAN, "When it should be met.", None)
    targets: list[MeasurableTarget] = field(
        DataCategory.PLAN,
        "Measurable targets.",
        default_factory=list,
        follows_record=True,
    )
    milestones: list[Milestone] = field(
        DataCategory.PLAN, "Milestones.", default_factory=list
    )
    action_steps: list[ActionStep] = field(
        DataCategory.PLAN, "Action steps.", default_factory=list
    )
    obstacles: list[Obstacle] = field(
        DataCategory.PLAN, "Obstacles.", default_factory=list
    )
    progress: list[ProgressEntry] = field(
        DataCategory.PLAN,
        "Progress over time.",
        default_factory=list,
        follows_record=True,
    )
    addresses: list[str] = field(
        DataCategory.PLAN, "Ids of the findings it addresses.", default_factory=list
    )


_DATE: TypeAdapter[date] = TypeAdapter(date)
_DATETIME: TypeAdapter[datetime] = TypeAdapter(datetime)


def _date_only(value: object) -> object:
    """Read ``YYYY-MM-DD`` as a date and anything longer as a date-time.

    Without this a date alone would be taken for midnight. The text is parsed
    here (by pydantic's own date and date-time parsers) so that strict JSON
    validation, which sees parsed objects only, accepts both forms.
    """
    if not isinstance(value, str):
        return value
    parser: TypeAdapter[Any] = _DATE if len(value) == 10 else _DATETIME
    try:
        return parser.validate_strings(value)
    except ValidationError:
        return value


class StatusChange(CanonicalModel):
    """One step in a service's status history."""

    status: TaskStatus = field(DataCategory.SERVICES, "The new status.")
    at: Annotated[datetime | date, BeforeValidator(_date_only)] = field(
        DataCategory.SERVICES, "When it changed: a date-time, or a date alone."
    )
    by: PartyRef | None = field(DataCategory.SERVICES, "Who changed it.", None)
    reason: Coding | None = field(DataCategory.SERVICES, "Why.", None)
    note: str | None = field(DataCategory.SERVICES, "Free-text remark.", None)


class Utilization(CanonicalModel):
    """How much of a service was delivered in a period."""

    period: Period = field(DataCategory.SERVICES, "The period counted.")
    quantity: float = field(DataCategory.SERVICES, "How much.", ge=0)
    unit: Literal["session", "minute", "hour", "visit", "day", "contact", "item"] = (
        field(DataCategory.SERVICES, "Of what.")
    )
    note: str | None = field(DataCategory.SERVICES, "Free-text remark.", None)


class ServiceEngagement(SubjectRecord):
    """A referral to a service and its delivery, from request to outcome."""

    type: Literal["ServiceEngagement"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "ServiceEngagement"
    )
    category: DataCategory = field(
        DataCategory.ADMINISTRATIVE,
        "Data category of the engagement (a substance-use treatment referral is "
        "`health.sud`).",
        DataCategory.SERVICES,
        follows_record=True,
    )
    kind: EngagementKind = field(
        DataCategory.SERVICES, "What sort of engagement.", EngagementKind.REFERRAL
    )
    service_name: NonEmptyStr = field(
        DataCategory.SERVICES, "The service, by name.", follows_record=True
    )
    service_id: str | None = field(
        DataCategory.SERVICES, "Id of a directory Service record.", None
    )
    service_types: list[Coding] = field(
        DataCategory.SERVICES,
        "Service type codes (AIRS taxonomy, Open Eligibility, SNOMED CT).",
        default_factory=list,
        follows_record=True,
    )
    provider_name: str | None = field(
        DataCategory.SERVICES, "The provider, by name.", None, follows_record=True
    )
    provider_id: str | None = field(
        DataCategory.SERVICES, "Id of the provider's Organization record.", None
    )
    domain: Domain = field(DataCategory.SERVICES, "The domain it serves.")
    tier: Tier | None = field(DataCategory.SERVICES, "Intensity of the service.", None)
    support_level: Literal[1, 2, 3] | None = field(
        DataCategory.SERVICES,
        "Multi-tiered support level (1 school-wide, 2 targeted, 3 individual).",
        None,
    )
    setting: ServiceSetting | None = field(
        DataCategory.SERVICES, "Where it is delivered.", None
    )
    status: TaskStatus = field(
        DataCategory.SERVICES, "Current status.", TaskStatus.REQUESTED
    )
    status_history: list[StatusChange] = field(
        DataCategory.SERVICES, "Earlier statuses, oldest first.", default_factory=list
    )
    referred_on: date | None = field(
        DataCategory.SERVICES, "When the referral was made.", None
    )
    referred_by: PartyRef | None = field(
        DataCategory.SERVICES, "Who made the referral.", None
    )
    reason: str | None = field(
        DataCategory.SERVICES, "Why, in words.", None, follows_record=True
    )
    period: Period | None = field(DataCategory.SERVICES, "When the service ran.", None)
    utilization: list[Utilization] = field(
        DataCategory.SERVICES, "How much was delivered.", default_factory=list
    )
    outcome: Coding | None = field(
        DataCategory.SERVICES, "Outcome as a code.", None, follows_record=True
    )
    outcome_note: str | None = field(
        DataCategory.SERVICES, "Outcome in words.", None, follows_record=True
    )
    addresses: list[str] = field(
        DataCategory.SERVICES, "Ids of the findings it addresses.", default_factory=list
    )
    supports_goals: list[str] = field(
        DataCategory.SERVICES, "Ids of the goals it supports.", default_factory=list
    )
    consent: str | None = field(
        DataCategory.GOVERNANCE, "Id of the Consent that allowed the referral.", None
    )


class TeamMember(SubjectRecord):
    """Someone on the child's support team."""

    type: Literal["TeamMember"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "TeamMember"
    )
    role: TeamRole = field(DataCategory.PLAN, "Their part on the team.")
    role_code: Coding | None = field(
        DataCategory.PLAN, "The role as the source names it.", None
    )
    name: HumanName | None = field(DataCategory.PLAN, "Their name.", None)
    identifier: Identifier | None = field(
        DataCategory.ADMINISTRATIVE, "Their own identifier (a staff id).", None
    )
    organization_id: str | None = field(
        DataCategory.PLAN, "Id of their Organization record.", None
    )
    organization_name: str | None = field(
        DataCategory.PLAN, "Their organization, by name.", None
    )
    lead: bool = field(DataCategory.PLAN, "Whether they coordinate the plan.", False)
    telecom: list[ContactPoint] = field(
        DataCategory.PLAN, "How to reach them.", default_factory=list
    )
    languages: list[Coding] = field(
        DataCategory.PLAN, "Languages they speak with the family.", default_factory=list
    )
    period: Period | None = field(DataCategory.PLAN, "When they are on the team.", None)


class IndicatorPoint(CanonicalModel):
    """One value of an indicator."""

    as_of: date = field(DataCategory.EDUCATION, "The date the value describes.")
    value: Value = field(DataCategory.EDUCATION, "The value.", follows_record=True)
    period: Period | None = field(
        DataCategory.EDUCATION, "The span the value covers.", None
    )
    school_year: int | None = field(
        DataCategory.EDUCATION, "School year, by the calendar year it ends in.", None
    )
    term: str | None = field(DataCategory.EDUCATION, "Term or marking period.", None)
    interpretation: Coding | None = field(
        DataCategory.EDUCATION,
        "What the value means (on track, off track, proficient).",
        None,
        follows_record=True,
    )


class SubIndicator(CanonicalModel):
    """A part of an indicator measured on its own."""

    code: Coding = field(DataCategory.EDUCATION, "The sub-indicator.")
    name: str | None = field(DataCategory.EDUCATION, "Its name.", None)
    unit: str | None = field(DataCategory.EDUCATION, "Unit of its values.", None)
    points: list[IndicatorPoint] = field(
        DataCategory.EDUCATION,
        "Values over time.",
        default_factory=list,
        follows_record=True,
    )


class IndicatorSeries(SubjectRecord):
    """An indicator of the child's progress, over time."""

    type: Literal["IndicatorSeries"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "IndicatorSeries"
    )
    category: DataCategory = field(
        DataCategory.ADMINISTRATIVE,
        "Data category of the values (attendance is `education`, immunization "
        "compliance is `health`).",
        DataCategory.EDUCATION,
        follows_record=True,
    )
    code: Coding = field(DataCategory.EDUCATION, "The indicator.", follows_record=True)
    name: str | None = field(
        DataCategory.EDUCATION, "Its name.", None, follows_record=True
    )
    domain: Domain = field(DataCategory.EDUCATION, "The domain it measures.")
    unit: str | None = field(
        DataCategory.EDUCATION, "Unit of its values.", None, follows_record=True
    )
    points: list[IndicatorPoint] = field(
        DataCategory.EDUCATION,
        "Values over time.",
        default_factory=list,
        follows_record=True,
    )
    sub_indicators: list[SubIndicator] = field(
        DataCategory.EDUCATION,
        "Parts measured on their own.",
        default_factory=list,
        follows_record=True,
    )


class Achievement(CanonicalModel):
    """A badge, credential, award or exhibition the child earned."""

    kind: AchievementKind = field(DataCategory.PLAN, "What it is.")
    name: NonEmptyStr = field(DataCategory.PLAN, "Its name.")
    issuer: str | None = field(DataCategory.PLAN, "Who awarded it.", None)
    earned_on: date | None = field(DataCategory.PLAN, "When it was earned.", None)
    domain: Domain | None = field(DataCategory.PLAN, "The domain it shows.", None)
    code: Coding | None = field(DataCategory.PLAN, "It as a code.", None)
    evidence_url: str | None = field(
        DataCategory.PLAN, "Where the evidence or the badge assertion lives.", None
    )


class SuccessPlan(SubjectRecord):
    """A child's Success Plan: findings, goals, services, team and indicators."""

    type: Literal["SuccessPlan"] = field(
        DataCategory.ADMINISTRATIVE, "Record type.", "SuccessPlan"
    )
    subject: Identifier = field(DataCategory.DIRECTORY, "The person the plan is about.")
    schema_version: str = field(
        DataCategory.ADMINISTRATIVE, "Version of the canonical schema.", "1.0"
    )
    profile: str | None = field(
        DataCategory.ADMINISTRATIVE, "Name of the profile the plan follows.", None
    )
    title: str | None = field(DataCategory.PLAN, "Title of the plan.", None)
    status: PlanStatus = field(DataCategory.PLAN, "Lifecycle.", PlanStatus.ACTIVE)
    period: Period | None = field(DataCategory.PLAN, "The span it covers.", None)
    created_on: date | None = field(DataCategory.PLAN, "When it was written.", None)
    review_dates: list[date] = field(
        DataCategory.PLAN, "When it was reviewed.", default_factory=list
    )
    next_review: date | None = field(
        DataCategory.PLAN, "When it is next reviewed.", None
    )
    person: Person | None = field(
        DataCategory.DIRECTORY, "The person, as known to the plan's author.", None
    )
    family_languages: list[Coding] = field(
        DataCategory.DEMOGRAPHIC,
        "Languages to use with the family.",
        default_factory=list,
    )
    vision: str | None = field(
        DataCategory.PLAN, "The student's own words about their future.", None
    )
    findings: list[Finding] = field(
        DataCategory.PLAN, "Strengths, interests, needs.", default_factory=list
    )
    goals: list[Goal] = field(DataCategory.PLAN, "Goals.", default_factory=list)
    services: list[ServiceEngagement] = field(
        DataCategory.SERVICES, "Services and referrals.", default_factory=list
    )
    team: list[TeamMember] = field(
        DataCategory.PLAN, "The support team.", default_factory=list
    )
    indicators: list[IndicatorSeries] = field(
        DataCategory.EDUCATION, "Indicators over time.", default_factory=list
    )
    achievements: list[Achievement] = field(
        DataCategory.PLAN, "Badges, credentials, exhibitions.", default_factory=list
    )

    @model_validator(mode="after")
    def _references_resolve(self) -> SuccessPlan:
        findings: set[str] | None = None
        members: set[str] | None = None
        for goal in self.goals:
            if goal.addresses:
                if findings is None:
                    findings = {f.id for f in self.findings}
                if not findings.issuperset(goal.addresses):
                    return self._refuse()
            for step in goal.action_steps:
                ref = step.owner.team_member
                if ref is not None:
                    if members is None:
                        members = {m.id for m in self.team}
                    if ref not in members:
                        return self._refuse()
        goals: set[str] | None = None
        for service in self.services:
            if service.addresses:
                if findings is None:
                    findings = {f.id for f in self.findings}
                if not findings.issuperset(service.addresses):
                    return self._refuse()
            if service.supports_goals:
                if goals is None:
                    goals = {g.id for g in self.goals}
                if not goals.issuperset(service.supports_goals):
                    return self._refuse()
        return self

    def _refuse(self) -> SuccessPlan:
        findings = {f.id for f in self.findings}
        goals = {g.id for g in self.goals}
        members = {m.id for m in self.team}
        raise ValueError("; ".join(self._dangling(findings, goals, members)))

    def _dangling(
        self, finding_ids: set[str], goal_ids: set[str], member_ids: set[str]
    ) -> list[str]:
        problems: list[str] = []
        for i, goal in enumerate(self.goals):
            problems += [
                f"goals[{i}].addresses names unknown finding `{ref}`"
                for ref in goal.addresses
                if ref not in finding_ids
            ]
            for j, step in enumerate(goal.action_steps):
                ref = step.owner.team_member
                if ref is not None and ref not in member_ids:
                    problems.append(
                        f"goals[{i}].action_steps[{j}].owner names unknown "
                        f"team member `{ref}`"
                    )
        for i, service in enumerate(self.services):
            problems += [
                f"services[{i}].addresses names unknown finding `{ref}`"
                for ref in service.addresses
                if ref not in finding_ids
            ]
            problems += [
                f"services[{i}].supports_goals names unknown goal `{ref}`"
                for ref in service.supports_goals
                if ref not in goal_ids
            ]
        return problems
