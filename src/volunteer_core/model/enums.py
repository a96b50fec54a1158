"""The enumerations of the domain. Values are stable lowercase strings (JSON, SQL); ``.label_zh`` is
the Chinese label used in forms and reports.

>>> ActivityKind.COMMUNITY_SERVICE.value, ActivityKind.COMMUNITY_SERVICE.label_zh
('community_service', '集中社区志愿服务')
>>> WishStatus("claimed") is WishStatus.CLAIMED
True
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ActivityKind",
    "BeneficiaryCategory",
    "DemandStatus",
    "Gender",
    "OrganisationKind",
    "PairingMode",
    "PlanLine",
    "RecordStatus",
    "Severity",
    "SupporterKind",
    "UnitKind",
    "WishKind",
    "WishStatus",
]


class _Labelled(StrEnum):
    """A string enum whose members carry a Chinese label."""

    @property
    def label_zh(self) -> str:
        """The Chinese label of this member."""
        return _LABELS[type(self).__name__, self.name]

    @property
    def label_en(self) -> str:
        """An English label: the member's name in words."""
        return self.name.replace("_", " ").lower()


class Severity(_Labelled):
    """How serious a :class:`~volunteer_core.rules.Violation` is: an ERROR breaks compliance."""

    ERROR = "error"
    WARNING = "warning"


class BeneficiaryCategory(_Labelled):
    """老 / 幼 / 残 / 困 / 特 (000 §二)."""

    ELDERLY = "elderly"
    CHILD = "child"
    DISABLED = "disabled"
    HARDSHIP = "hardship"
    SPECIAL = "special"


class UnitKind(_Labelled):
    """Kinds of 结对共建单位 (000 §三, 004 §四)."""

    NURSING_HOME = "nursing_home"
    WELFARE_HOME = "welfare_home"
    SPECIAL_SCHOOL = "special_school"
    MIGRANT_CHILDREN_SCHOOL = "migrant_children_school"
    HAPPY_HOME = "happy_home"
    COMMUNITY = "community"
    VILLAGE = "village"
    OTHER = "other"


class PairingMode(_Labelled):
    """结对共建方式 (000 附件)."""

    SOLO = "solo"
    JOINT_BRANCHES = "joint_branches"
    JOINT_DEPARTMENT = "joint_department"


class ActivityKind(_Labelled):
    """Kinds of volunteer activity (000 §四, 002 §三)."""

    PAIRING = "pairing"
    PRACTICAL_HELP = "practical_help"
    FESTIVAL = "festival"
    COMMUNITY_SERVICE = "community_service"
    CARING_ACTION = "caring_action"
    TEAM_CAMPAIGN = "team_campaign"
    TRAINING = "training"
    OTHER = "other"


class WishKind(_Labelled):
    """Kinds of 微心愿 (004 §三)."""

    MATERIAL = "material"
    CULTURAL = "cultural"
    POLICY = "policy"
    SERVICE = "service"


class WishStatus(_Labelled):
    """The lifecycle of a wish (004 §四): see :meth:`volunteer_core.Wish.screen` and friends."""

    COLLECTED = "collected"
    SCREENED = "screened"
    REJECTED = "rejected"
    PUBLISHED = "published"
    CLAIMED = "claimed"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    #: 转介: beyond what members can meet, handed to a department or a social organisation
    #: (004 §四 「协调有关部门或社会爱心组织合力推动、逐步实施」); resolved to FULFILLED or CANCELLED.
    REFERRED = "referred"

    @property
    def is_final(self) -> bool:
        """REJECTED, FULFILLED and CANCELLED are final."""
        return self in (WishStatus.REJECTED, WishStatus.FULFILLED, WishStatus.CANCELLED)


class PlanLine(_Labelled):
    """The three lines of the 活动计划表 (000 附件)."""

    PAIRING = "pairing"
    PRACTICAL_HELP = "practical_help"
    FESTIVAL = "festival"


class RecordStatus(_Labelled):
    """Confirmation state of a ledger entry (志愿服务记录与证明出具办法, 2020, Art 6–7)."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class DemandStatus(_Labelled):
    """点单 → 派单 → 接单 → 完成 (002 §三)."""

    ORDERED = "ordered"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DONE = "done"
    CANCELLED = "cancelled"


class OrganisationKind(_Labelled):
    """Kinds of organisation above a branch (004 逐级上报; 001 「报直属机关党委」, 「各单位…」).

    ``UNIT`` (单位) is the level that ``policy.max_pairing_targets_per_unit`` counts by.
    """

    WORK_COMMITTEE = "work_committee"
    ORGAN_PARTY_COMMITTEE = "organ_party_committee"
    PARTY_COMMITTEE = "party_committee"
    GENERAL_BRANCH = "general_branch"
    UNIT = "unit"
    STREET = "street"
    COMMUNITY = "community"
    OTHER = "other"


class SupporterKind(_Labelled):
    """Who besides members may claim a wish (004 §四: 社区志愿者、爱心人士、社会慈善志愿机构)."""

    COMMUNITY_VOLUNTEER = "community_volunteer"
    CARING_PERSON = "caring_person"
    SOCIAL_ORGANISATION = "social_organisation"


class Gender(_Labelled):
    """性别 as the forms write it."""

    MALE = "male"
    FEMALE = "female"


# keyed by (class name, member name): members of different StrEnums with one value compare equal
_LABELS: dict[tuple[str, str], str] = {
    ("Severity", "ERROR"): "错误",
    ("Severity", "WARNING"): "提醒",
    ("BeneficiaryCategory", "ELDERLY"): "老",
    ("BeneficiaryCategory", "CHILD"): "幼",
    ("BeneficiaryCategory", "DISABLED"): "残",
    ("BeneficiaryCategory", "HARDSHIP"): "困",
    ("BeneficiaryCategory", "SPECIAL"): "特",
    ("UnitKind", "NURSING_HOME"): "养老院",
    ("UnitKind", "WELFARE_HOME"): "福利院",
    ("UnitKind", "SPECIAL_SCHOOL"): "特殊教育学校",
    ("UnitKind", "MIGRANT_CHILDREN_SCHOOL"): "进城务工人员子女定点学校",
    ("UnitKind", "HAPPY_HOME"): "幸福家园",
    ("UnitKind", "COMMUNITY"): "社区",
    ("UnitKind", "VILLAGE"): "乡村",
    ("UnitKind", "OTHER"): "其他",
    ("PairingMode", "SOLO"): "单独",
    ("PairingMode", "JOINT_BRANCHES"): "支部联合",
    ("PairingMode", "JOINT_DEPARTMENT"): "联合厅局",
    ("ActivityKind", "PAIRING"): "结对共建/帮扶",
    ("ActivityKind", "PRACTICAL_HELP"): "我为困难群众办实事",
    ("ActivityKind", "FESTIVAL"): "我和帮扶对象同过节",
    ("ActivityKind", "COMMUNITY_SERVICE"): "集中社区志愿服务",
    ("ActivityKind", "CARING_ACTION"): "奉献爱心行动",
    ("ActivityKind", "TEAM_CAMPAIGN"): "志愿服务队集中志愿服务活动",
    ("ActivityKind", "TRAINING"): "培训",
    ("ActivityKind", "OTHER"): "其他",
    ("WishKind", "MATERIAL"): "生活物资",
    ("WishKind", "CULTURAL"): "精神文化",
    ("WishKind", "POLICY"): "政策扶持",
    ("WishKind", "SERVICE"): "微服务",
    ("WishStatus", "COLLECTED"): "已征集",
    ("WishStatus", "SCREENED"): "已甄别",
    ("WishStatus", "REJECTED"): "未通过甄别",
    ("WishStatus", "PUBLISHED"): "已发布",
    ("WishStatus", "CLAIMED"): "已认领",
    ("WishStatus", "FULFILLED"): "已落实",
    ("WishStatus", "CANCELLED"): "已取消",
    ("WishStatus", "REFERRED"): "已转介",
    ("OrganisationKind", "WORK_COMMITTEE"): "机关工委",
    ("OrganisationKind", "ORGAN_PARTY_COMMITTEE"): "机关党委",
    ("OrganisationKind", "PARTY_COMMITTEE"): "党委",
    ("OrganisationKind", "GENERAL_BRANCH"): "党总支",
    ("OrganisationKind", "UNIT"): "单位",
    ("OrganisationKind", "STREET"): "街道",
    ("OrganisationKind", "COMMUNITY"): "社区",
    ("OrganisationKind", "OTHER"): "其他",
    ("SupporterKind", "COMMUNITY_VOLUNTEER"): "社区志愿者",
    ("SupporterKind", "CARING_PERSON"): "爱心人士",
    ("SupporterKind", "SOCIAL_ORGANISATION"): "社会组织",
    ("PlanLine", "PAIRING"): "我和弱势群体结对子",
    ("PlanLine", "PRACTICAL_HELP"): "我为困难群众办实事",
    ("PlanLine", "FESTIVAL"): "我和帮扶对象同过节",
    ("RecordStatus", "PENDING"): "待确认",
    ("RecordStatus", "CONFIRMED"): "已确认",
    ("RecordStatus", "REJECTED"): "未确认",
    ("DemandStatus", "ORDERED"): "已点单",
    ("DemandStatus", "ASSIGNED"): "已派单",
    ("DemandStatus", "ACCEPTED"): "已接单",
    ("DemandStatus", "DECLINED"): "已拒单",
    ("DemandStatus", "DONE"): "已完成",
    ("DemandStatus", "CANCELLED"): "已取消",
    ("Gender", "MALE"): "男",
    ("Gender", "FEMALE"): "女",
}
