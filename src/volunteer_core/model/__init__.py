"""The entities and values of the domain: pure data with their own invariants and transitions."""

from volunteer_core.model._fields import (
    MAX_ID_LENGTH,
    MAX_INTEGER,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    check_identifier,
)
from volunteer_core.model.activity import Activity, ServiceRecord
from volunteer_core.model.demand import Demand
from volunteer_core.model.enums import (
    ActivityKind,
    BeneficiaryCategory,
    DemandStatus,
    Gender,
    OrganisationKind,
    PairingMode,
    PlanLine,
    RecordStatus,
    Severity,
    SupporterKind,
    UnitKind,
    WishKind,
    WishStatus,
)
from volunteer_core.model.organisation import Organisation
from volunteer_core.model.pairing import Pairing
from volunteer_core.model.people import Beneficiary, Branch, Member, PartnerUnit, Team
from volunteer_core.model.plan import BranchPlan, HalfYearReport, PlanItem
from volunteer_core.model.qualification import Qualification
from volunteer_core.model.registration import CommunityRegistration
from volunteer_core.model.supporter import Supporter
from volunteer_core.model.wish import Claim, Wish

__all__ = [
    "MAX_ID_LENGTH",
    "MAX_INTEGER",
    "MAX_NAME_LENGTH",
    "MAX_TEXT_LENGTH",
    "Activity",
    "ActivityKind",
    "Beneficiary",
    "BeneficiaryCategory",
    "Branch",
    "BranchPlan",
    "Claim",
    "CommunityRegistration",
    "Demand",
    "DemandStatus",
    "Gender",
    "HalfYearReport",
    "Member",
    "Organisation",
    "OrganisationKind",
    "Pairing",
    "PairingMode",
    "PartnerUnit",
    "PlanItem",
    "PlanLine",
    "Qualification",
    "RecordStatus",
    "ServiceRecord",
    "Severity",
    "Supporter",
    "SupporterKind",
    "Team",
    "UnitKind",
    "Wish",
    "WishKind",
    "WishStatus",
    "check_identifier",
]
