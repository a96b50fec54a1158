"""volunteer_core — the rules of China's party-member and civil-servant volunteer programmes as typed
entities, validators and use-cases (党员、机关干部志愿服务规则库).

>>> import volunteer_core as vc
>>> vc.Yuan.parse("300元") <= vc.policies.DEFAULT.wish_value_cap
True
"""

from volunteer_core import errors, policies
from volunteer_core._catalogue import Rule
from volunteer_core._version import __version__
from volunteer_core.calendar.dates import DateRange
from volunteer_core.calendar.workdays import register_official_year
from volunteer_core.compliance import (
    BranchYear,
    MemberYear,
    YearReport,
    evaluate_member_year,
    evaluate_year,
)
from volunteer_core.errors import (
    ConcurrencyConflict,
    InvalidInput,
    InvalidType,
    NotFound,
    RuleViolation,
    StorageError,
    VolunteerError,
)
from volunteer_core.model import (
    Activity,
    ActivityKind,
    Beneficiary,
    BeneficiaryCategory,
    Branch,
    BranchPlan,
    Claim,
    CommunityRegistration,
    Demand,
    DemandStatus,
    Gender,
    HalfYearReport,
    Member,
    Organisation,
    OrganisationKind,
    Pairing,
    PairingMode,
    PartnerUnit,
    PlanItem,
    PlanLine,
    Qualification,
    RecordStatus,
    ServiceRecord,
    Severity,
    Supporter,
    SupporterKind,
    Team,
    UnitKind,
    Wish,
    WishKind,
    WishStatus,
)
from volunteer_core.money import Yuan
from volunteer_core.policy import Policy
from volunteer_core.rules import (
    RULES,
    Violation,
    check_pairings,
    find_duplicate_pairings,
    member_star_level,
    star_level,
    validate_record,
    validate_wish,
)

__all__ = [
    "RULES",
    "Activity",
    "ActivityKind",
    "Beneficiary",
    "BeneficiaryCategory",
    "Branch",
    "BranchPlan",
    "BranchYear",
    "Claim",
    "CommunityRegistration",
    "ConcurrencyConflict",
    "DateRange",
    "Demand",
    "DemandStatus",
    "Gender",
    "HalfYearReport",
    "InvalidInput",
    "InvalidType",
    "Member",
    "MemberYear",
    "NotFound",
    "Organisation",
    "OrganisationKind",
    "Pairing",
    "PairingMode",
    "PartnerUnit",
    "PlanItem",
    "PlanLine",
    "Policy",
    "Qualification",
    "RecordStatus",
    "Rule",
    "RuleViolation",
    "ServiceRecord",
    "Severity",
    "StorageError",
    "Supporter",
    "SupporterKind",
    "Team",
    "UnitKind",
    "Violation",
    "VolunteerError",
    "Wish",
    "WishKind",
    "WishStatus",
    "YearReport",
    "Yuan",
    "__version__",
    "check_pairings",
    "errors",
    "evaluate_member_year",
    "evaluate_year",
    "find_duplicate_pairings",
    "member_star_level",
    "policies",
    "register_official_year",
    "star_level",
    "validate_record",
    "validate_wish",
]

#: The subpackages reached as attributes (``vc.services``) without an import of their own; each is imported
#: on first use, so ``import volunteer_core`` stays light and needs no optional dependency.
_SUBMODULES = frozenset(
    {
        "aggregates",
        "calendar",
        "certificates",
        "compliance",
        "forms",
        "model",
        "money",
        "ports",
        "privacy",
        "rules",
        "serialization",
        "services",
        "storage",
        "synthetic",
        "testing",
    }
)


def __getattr__(name: str) -> object:
    """``vc.services``, ``vc.forms``, … imported when first used.

    >>> import volunteer_core as vc
    >>> vc.services.record_service.__name__
    'record_service'
    """
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"volunteer_core.{name}")
    raise AttributeError(f"module 'volunteer_core' has no attribute {name!r}")
