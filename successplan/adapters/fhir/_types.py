"""Which FHIR resource types exist in R4 and R4B, which are R5 only, and which we use.

The R4B list is the set of resource classes of ``fhir.resources.R4B`` 8.3.0
(FHIR 4.3.0), joined with the R4 (4.0.1) types that R4B removed; the R5 list
holds the types FHIR 5.0.0 added. They let the converter tell an unknown
resource type from one that belongs to another FHIR release.
"""

from __future__ import annotations

__all__ = [
    "BILLING_TYPES",
    "CONVERTED_TYPES",
    "R4_TYPES",
    "R5_ONLY_TYPES",
]

R4_TYPES: frozenset[str] = frozenset(
    """
    Account ActivityDefinition AdministrableProductDefinition AdverseEvent
    AllergyIntolerance Appointment AppointmentResponse AuditEvent Basic Binary
    BiologicallyDerivedProduct BodyStructure Bundle CapabilityStatement CarePlan
    CareTeam CatalogEntry ChargeItem ChargeItemDefinition Citation Claim
    ClaimResponse ClinicalImpression ClinicalUseDefinition CodeSystem Communication
    CommunicationRequest CompartmentDefinition Composition ConceptMap Condition
    Consent Contract Coverage CoverageEligibilityRequest CoverageEligibilityResponse
    DetectedIssue Device DeviceDefinition DeviceMetric DeviceRequest
    DeviceUseStatement DiagnosticReport DocumentManifest DocumentReference
    EffectEvidenceSynthesis Encounter Endpoint EnrollmentRequest EnrollmentResponse
    EpisodeOfCare EventDefinition Evidence EvidenceReport EvidenceVariable
    ExampleScenario ExplanationOfBenefit FamilyMemberHistory Flag Goal
    GraphDefinition Group GuidanceResponse HealthcareService ImagingStudy
    Immunization ImmunizationEvaluation ImmunizationRecommendation
    ImplementationGuide Ingredient InsurancePlan Invoice Library Linkage List
    Location ManufacturedItemDefinition Measure MeasureReport Media Medication
    MedicationAdministration MedicationDispense MedicationKnowledge
    MedicationRequest MedicationStatement MedicinalProduct
    MedicinalProductAuthorization MedicinalProductContraindication
    MedicinalProductDefinition MedicinalProductIndication
    MedicinalProductIngredient MedicinalProductInteraction
    MedicinalProductManufactured MedicinalProductPackaged
    MedicinalProductPharmaceutical MedicinalProductUndesirableEffect
    MessageDefinition MessageHeader MolecularSequence NamingSystem NutritionOrder
    NutritionProduct Observation ObservationDefinition OperationDefinition
    OperationOutcome Organization OrganizationAffiliation PackagedProductDefinition
    Parameters Patient PaymentNotice PaymentReconciliation Person PlanDefinition
    Practitioner PractitionerRole Procedure Provenance Questionnaire
    QuestionnaireResponse RegulatedAuthorization RelatedPerson RequestGroup
    ResearchDefinition ResearchElementDefinition ResearchStudy ResearchSubject
    RiskAssessment RiskEvidenceSynthesis Schedule SearchParameter ServiceRequest
    Slot Specimen SpecimenDefinition StructureDefinition StructureMap Subscription
    SubscriptionStatus SubscriptionTopic Substance SubstanceDefinition
    SubstanceNucleicAcid SubstancePolymer SubstanceProtein
    SubstanceReferenceInformation SubstanceSourceMaterial SubstanceSpecification
    SupplyDelivery SupplyRequest Task TerminologyCapabilities TestReport TestScript
    ValueSet VerificationResult VisionPrescription
    """.split()
)

R5_ONLY_TYPES: frozenset[str] = frozenset(
    """
    ActorDefinition ArtifactAssessment BiologicallyDerivedProductDispense
    ConditionDefinition DeviceAssociation DeviceDispense DeviceUsage
    EncounterHistory FormularyItem GenomicStudy ImagingSelection InventoryItem
    InventoryReport MedicationUsage NutritionIntake Permission RequestOrchestration
    Requirements TestPlan Transport
    """.split()
)

#: Types the converter turns into canonical records.
CONVERTED_TYPES: frozenset[str] = frozenset(
    {
        "AllergyIntolerance",
        "CarePlan",
        "Condition",
        "Consent",
        "Goal",
        "Immunization",
        "Observation",
        "Patient",
        "ServiceRequest",
        "Task",
    }
)

#: Claims and billing: never stored, only counted.
BILLING_TYPES: frozenset[str] = frozenset(
    {
        "Account",
        "ChargeItem",
        "Claim",
        "ClaimResponse",
        "Coverage",
        "CoverageEligibilityRequest",
        "CoverageEligibilityResponse",
        "ExplanationOfBenefit",
        "Invoice",
        "PaymentNotice",
        "PaymentReconciliation",
    }
)
