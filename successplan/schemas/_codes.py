"""Closed code sets of the canonical model.

These are the canonical values that crosswalks map source codes onto and that
profiles narrow down. Adding a value is a minor change; removing or renaming one
is a breaking change (see docs/schema.md).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AchievementKind",
    "ActionStatus",
    "ConsentStatus",
    "ContactPointSystem",
    "Domain",
    "EngagementKind",
    "FindingKind",
    "FindingStatus",
    "GoalAchievement",
    "GoalStatus",
    "GoalTerm",
    "Indicator",
    "PlanStatus",
    "ProgramType",
    "PurposeOfUse",
    "Sector",
    "ServiceSetting",
    "TaskStatus",
    "TeamRole",
    "Tier",
]


class Domain(StrEnum):
    """A domain of a child's life that a finding, goal or service belongs to."""

    ACADEMIC = "academic"
    ATTENDANCE = "attendance"
    BEHAVIOR = "behavior"
    SOCIAL_EMOTIONAL = "social-emotional"
    PERSONAL_SOCIAL = "personal-social"
    HEALTH = "health"
    BEHAVIORAL_HEALTH = "behavioral-health"
    FAMILY = "family"
    BASIC_NEEDS = "basic-needs"
    FOOD = "basic-needs.food"
    HOUSING = "basic-needs.housing"
    TRANSPORTATION = "basic-needs.transportation"
    FINANCIAL = "basic-needs.financial"
    UTILITIES = "basic-needs.utilities"
    SAFETY = "basic-needs.safety"
    CHILDCARE = "basic-needs.childcare"
    LEGAL = "basic-needs.legal"
    DIGITAL = "basic-needs.digital"
    EMPLOYMENT = "employment"
    CAREER = "career"
    POSTSECONDARY = "postsecondary"
    EXTRACURRICULAR = "extracurricular"
    ENRICHMENT = "enrichment"
    INDEPENDENT_LIVING = "independent-living"
    READINESS_PHYSICAL = "readiness.physical"
    READINESS_SOCIAL_EMOTIONAL = "readiness.social-emotional"
    READINESS_LANGUAGE = "readiness.language"
    READINESS_COGNITION = "readiness.cognition"
    READINESS_LITERACY = "readiness.literacy"
    READINESS_MATH = "readiness.math"


class FindingKind(StrEnum):
    """What a finding says about the child."""

    STRENGTH = "strength"
    INTEREST = "interest"
    NEED = "need"
    RISK_FACTOR = "risk-factor"


class FindingStatus(StrEnum):
    """Whether a finding still holds."""

    ACTIVE = "active"
    RESOLVED = "resolved"
    INACTIVE = "inactive"
    ENTERED_IN_ERROR = "entered-in-error"


class GoalTerm(StrEnum):
    """The horizon of a goal."""

    SHORT = "short-term"
    LONG = "long-term"


class GoalStatus(StrEnum):
    """Lifecycle of a goal (the FHIR Goal lifecycle)."""

    PROPOSED = "proposed"
    PLANNED = "planned"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    ON_HOLD = "on-hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ENTERED_IN_ERROR = "entered-in-error"
    REJECTED = "rejected"


class GoalAchievement(StrEnum):
    """How far a goal has come (the FHIR goal-achievement codes)."""

    IN_PROGRESS = "in-progress"
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no-change"
    ACHIEVED = "achieved"
    SUSTAINING = "sustaining"
    NOT_ACHIEVED = "not-achieved"
    NO_PROGRESS = "no-progress"
    NOT_ATTAINABLE = "not-attainable"


class Indicator(StrEnum):
    """Indicators that connectors derive from source records.

    An IndicatorSeries may carry any coded measure (a LOINC score, a district's
    own measure); these are the ones successplan computes itself, in the code
    system ``https://successplan.org/CodeSystem/Indicator``.
    """

    ATTENDANCE_RATE = "attendance-rate"
    DAYS_ABSENT = "days-absent"
    EXCUSED_ABSENCES = "excused-absences"
    UNEXCUSED_ABSENCES = "unexcused-absences"
    TARDIES = "tardies"
    CLASS_ABSENCES = "class-absences"
    CHRONIC_ABSENCE = "chronic-absence"
    COURSE_GRADE = "course-grade"
    COURSE_FAILURES = "course-failures"
    GPA = "gpa"
    CREDITS_EARNED = "credits-earned"
    ASSESSMENT = "assessment"
    DISCIPLINE_INCIDENTS = "discipline-incidents"
    DISCIPLINE_ACTIONS = "discipline-actions"
    IMMUNIZATION_DOSES = "immunization-doses"
    IMMUNIZATION_COMPLIANCE = "immunization-compliance"
    SCREENING_SCORE = "screening-score"


class ActionStatus(StrEnum):
    """State of an action step or a milestone."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DROPPED = "dropped"


class Tier(StrEnum):
    """The intensity of a service, in the prevention-to-intensive sense."""

    PREVENTION = "prevention"
    EARLY_INTERVENTION = "early-intervention"
    INTENSIVE = "intensive"
    ENRICHMENT = "enrichment"


class ServiceSetting(StrEnum):
    """Where a service is delivered."""

    IN_SCHOOL = "in-school"
    OUT_OF_SCHOOL = "out-of-school"
    HOME = "home"
    COMMUNITY = "community"
    CLINIC = "clinic"
    WORKPLACE = "workplace"
    VIRTUAL = "virtual"


class EngagementKind(StrEnum):
    """What sort of engagement links the child and a service."""

    REFERRAL = "referral"
    SERVICE = "service"
    PROGRAM = "program"
    INTERVENTION = "intervention"
    INTERNSHIP = "internship"
    LEARNING_EXPERIENCE = "learning-experience"
    RESOURCE = "resource"


class TaskStatus(StrEnum):
    """Status of a referral and its delivery, aligned with FHIR Task.status."""

    DRAFT = "draft"
    REQUESTED = "requested"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    READY = "ready"
    CANCELLED = "cancelled"
    IN_PROGRESS = "in-progress"
    ON_HOLD = "on-hold"
    FAILED = "failed"
    COMPLETED = "completed"
    ENTERED_IN_ERROR = "entered-in-error"


class TeamRole(StrEnum):
    """The part an adult (or the child) plays on the support team."""

    STUDENT = "student"
    PARENT = "parent"
    GUARDIAN = "guardian"
    CAREGIVER = "caregiver"
    EDUCATION_CHAMPION = "education-champion"
    EDUCATION_LIAISON = "education-liaison"
    COORDINATOR = "coordinator"
    TEACHER = "teacher"
    ADVISOR = "advisor"
    COUNSELOR = "counselor"
    SOCIAL_WORKER = "social-worker"
    NURSE = "nurse"
    CLINICIAN = "clinician"
    CASE_MANAGER = "case-manager"
    CASEWORKER = "caseworker"
    COMMUNITY_PROVIDER = "community-provider"
    MENTOR = "mentor"
    ADMINISTRATOR = "administrator"
    SPECIALIST = "specialist"
    ATTORNEY = "attorney"
    CASA = "casa"
    OTHER = "other"


class ProgramType(StrEnum):
    """A program a child takes part in, as student records know it."""

    SPECIAL_EDUCATION = "special-education"
    SECTION_504 = "section-504"
    ENGLISH_LEARNER = "english-learner"
    HOMELESS = "homeless"
    FOSTER_CARE = "foster-care"
    SCHOOL_MEALS = "school-meals"
    MIGRANT = "migrant"
    NEGLECTED_DELINQUENT = "neglected-delinquent"
    GIFTED_TALENTED = "gifted-talented"
    TITLE_I = "title-i"
    CAREER_TECHNICAL = "career-technical"
    OTHER = "other"


class PlanStatus(StrEnum):
    """Lifecycle of a Success Plan."""

    DRAFT = "draft"
    ACTIVE = "active"
    ON_HOLD = "on-hold"
    COMPLETED = "completed"
    REVOKED = "revoked"
    ENTERED_IN_ERROR = "entered-in-error"


class AchievementKind(StrEnum):
    """A recognized accomplishment."""

    BADGE = "badge"
    CERTIFICATE = "certificate"
    CREDENTIAL = "credential"
    AWARD = "award"
    EXHIBITION = "exhibition"
    COURSE_COMPLETION = "course-completion"
    DIPLOMA = "diploma"


class Sector(StrEnum):
    """The sector an organization works in."""

    SCHOOL = "school"
    DISTRICT = "district"
    STATE_EDUCATION_AGENCY = "state-education-agency"
    EARLY_CHILDHOOD = "early-childhood"
    POSTSECONDARY = "postsecondary"
    HEALTH = "health"
    BEHAVIORAL_HEALTH = "behavioral-health"
    PUBLIC_HEALTH = "public-health"
    CHILD_WELFARE = "child-welfare"
    JUVENILE_JUSTICE = "juvenile-justice"
    COURT = "court"
    HOUSING = "housing"
    NONPROFIT = "nonprofit"
    COMMUNITY = "community"
    EMPLOYER = "employer"
    GOVERNMENT = "government"
    OTHER = "other"


class PurposeOfUse(StrEnum):
    """Why a party asks for data."""

    EDUCATION = "education"
    CARE_COORDINATION = "care-coordination"
    TREATMENT = "treatment"
    REFERRAL = "referral"
    FAMILY_ACCESS = "family-access"
    EMERGENCY = "emergency"
    EVALUATION = "evaluation"


class ConsentStatus(StrEnum):
    """Lifecycle of a consent (FHIR Consent.status, plus revocation)."""

    DRAFT = "draft"
    PROPOSED = "proposed"
    ACTIVE = "active"
    REJECTED = "rejected"
    INACTIVE = "inactive"
    REVOKED = "revoked"
    ENTERED_IN_ERROR = "entered-in-error"


class ContactPointSystem(StrEnum):
    """How a contact point is reached."""

    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    FAX = "fax"
    URL = "url"
    OTHER = "other"
