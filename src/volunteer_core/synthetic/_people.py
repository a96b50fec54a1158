"""The people and organisations of the synthetic year: names, beneficiaries, the organisation tree above
the branches and the supporters who claim wishes beside the members.

>>> import random
>>> tree, place = organisation_tree(5)
>>> [(o.id, o.kind.label_zh, o.parent_id) for o in tree]
[('o-wc', '机关工委', None), ('o-pc1', '机关党委', 'o-wc'), ('o-pc2', '机关党委', 'o-wc')]
>>> [place(i) for i in range(5)]
['o-pc1', 'o-pc1', 'o-pc1', 'o-pc2', 'o-pc2']
>>> sorted(s.kind.value for s in supporters(random.Random(1)))
['caring_person', 'community_volunteer', 'social_organisation']
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from volunteer_core.model import (
    Beneficiary,
    BeneficiaryCategory,
    Organisation,
    OrganisationKind,
    Supporter,
    SupporterKind,
    UnitKind,
)

__all__ = [
    "BRANCH_NAMES",
    "COMMUNITIES",
    "SKILLS",
    "UNITS",
    "beneficiary",
    "id_number",
    "name",
    "organisation_tree",
    "supporters",
]

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏辉玲婷雪琳晨阳"
#: Volunteer skills a member may declare (志愿服务技能).
SKILLS = ("急救", "理发", "家电维修", "法律咨询", "心理疏导", "书法", "摄影", "驾驶", "计算机", "医疗保健")
#: Branch names, reused with a number from the ninth branch on.
BRANCH_NAMES = (
    "办公室党支部",
    "政策法规处党支部",
    "社会事务处党支部",
    "财务审计处党支部",
    "信息中心党支部",
    "机关服务中心党支部",
    "人事处党支部",
    "规划发展处党支部",
)
#: The communities the members and beneficiaries live in.
COMMUNITIES = ("凤山社区", "龙桥社区", "文献社区", "东岩社区", "梅峰社区", "霞林社区")
#: The partner units a branch may pair with.
UNITS = (
    ("城厢区社会福利院", UnitKind.WELFARE_HOME),
    ("荔城区敬老院", UnitKind.NURSING_HOME),
    ("莆田市特殊教育学校", UnitKind.SPECIAL_SCHOOL),
    ("阳光幸福家园", UnitKind.HAPPY_HOME),
    ("凤山社区", UnitKind.COMMUNITY),
    ("东峤镇珠川村", UnitKind.VILLAGE),
    ("务工人员子女学校", UnitKind.MIGRANT_CHILDREN_SCHOOL),
)

#: The tree above the branches: one 机关工委 and its two 机关党委 (004 逐级上报, 001 「报直属机关党委」).
_WORK_COMMITTEE = Organisation(id="o-wc", name="莆田市直机关工委", kind=OrganisationKind.WORK_COMMITTEE)
_PARTY_COMMITTEES = (
    Organisation(
        id="o-pc1", name="市民政局机关党委", kind=OrganisationKind.ORGAN_PARTY_COMMITTEE, parent_id="o-wc"
    ),
    Organisation(
        id="o-pc2", name="市卫健委机关党委", kind=OrganisationKind.ORGAN_PARTY_COMMITTEE, parent_id="o-wc"
    ),
)


def organisation_tree(branches: int) -> tuple[tuple[Organisation, ...], Callable[[int], str]]:
    """The three levels above ``branches`` branches — 工委 → 2 机关党委 → the branches — in dependency order
    (parents first), and where the i-th branch hangs: the first half under the first 机关党委, the rest
    under the second (an odd branch goes to the first).

    >>> _, place = organisation_tree(1)
    >>> place(0)
    'o-pc1'
    """
    first_half = (branches + 1) // 2

    def place(index: int) -> str:
        return _PARTY_COMMITTEES[0 if index < first_half else 1].id

    return (_WORK_COMMITTEE, *_PARTY_COMMITTEES), place


def supporters(rng: random.Random) -> tuple[Supporter, ...]:
    """One supporter of each kind (004 §四: 社区志愿者、爱心人士、社会慈善志愿机构), with a mobile number as contact.

    >>> [s.id for s in supporters(random.Random(2))]
    ['s001', 's002', 's003']
    """
    found = (
        ("s001", name(rng) + "（社区志愿者）", SupporterKind.COMMUNITY_VOLUNTEER),
        ("s002", name(rng), SupporterKind.CARING_PERSON),
        ("s003", "莆田市慈善总会", SupporterKind.SOCIAL_ORGANISATION),
    )
    return tuple(
        Supporter(id=sid, name=who, kind=kind, contact=f"137{rng.randrange(10**8):08d}")
        for sid, who, kind in found
    )


def id_number(rng: random.Random, born: date) -> str:
    """A syntactically valid GB 11643 number (region 350302, 城厢区) with the right check digit.

    >>> len(id_number(random.Random(1), date(1950, 3, 1)))
    18
    """
    body = f"350302{born:%Y%m%d}{rng.randrange(100, 1000)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def name(rng: random.Random) -> str:
    """A Chinese name: a surname and one or two characters.

    >>> 2 <= len(name(random.Random(3))) <= 3
    True
    """
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def beneficiary(rng: random.Random, i: int, year: int) -> Beneficiary:
    """The i-th beneficiary: the five categories in turn, with an ID number, a phone and an address.

    >>> beneficiary(random.Random(1), 0, 2026).category.label_zh
    '老'
    """
    category = (
        BeneficiaryCategory.ELDERLY,
        BeneficiaryCategory.CHILD,
        BeneficiaryCategory.DISABLED,
        BeneficiaryCategory.HARDSHIP,
        BeneficiaryCategory.SPECIAL,
    )[i % 5]
    age = {BeneficiaryCategory.ELDERLY: 78, BeneficiaryCategory.CHILD: 9}.get(category, 45) + rng.randrange(
        0, 8
    )
    born = date(year - age, rng.randrange(1, 13), rng.randrange(1, 29))
    community = COMMUNITIES[i % len(COMMUNITIES)]
    return Beneficiary(
        id=f"ben{i + 1:04d}",
        name=name(rng),
        category=category,
        community=community,
        id_number=id_number(rng, born),
        phone=f"159{rng.randrange(10**8):08d}",
        address=f"福建省莆田市城厢区{community}{rng.randrange(1, 30)}号楼{rng.randrange(101, 699)}室",
    )
