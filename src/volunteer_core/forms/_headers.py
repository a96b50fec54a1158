"""The column headers of the official forms, and how a header cell is recognised on import.

The headers are the seeds' own (000 附件 活动计划表; 004 附件1/2/3), character for character once the
line breaks of the printed cells are removed (the seed text shows a wrapped cell such as
``结对共 建方式`` with a space where the line broke). Columns the library adds after the seed's
columns (``身份证号码`` … ``征集日期`` of 附件1) carry what the entities need and are named in the
seeds' style.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from volunteer_core.model.enums import ActivityKind

__all__ = ["HEADERS", "KINDS", "TITLES", "header_key"]

#: The kinds of form, in the order of the issue: plan, the three attachments of 004, the half-year
#: report and the public notice; then the 汇总表 reported up the organisation tree (逐级上报, 004).
KINDS: tuple[str, ...] = (
    "plan",
    "wish_collection",
    "wish_claims",
    "wish_summary",
    "half_year",
    "notice",
    "organisation_summary",
)

#: The title of each form as the seeds print it (``XX`` filled in when known).
TITLES: Mapping[str, str] = MappingProxyType(
    {
        "plan": "“尊老爱幼、扶困助残”我为群众办实事文明新风志愿服务活动计划表",
        "wish_collection": "“微心愿”活动需求征集表",
        "wish_claims": "在职党员“微心愿”活动认领落实表",
        "wish_summary": "“微心愿”活动落实情况汇总表",
        "half_year": "志愿服务活动开展情况",
        "notice": "党员志愿服务公示",
        "organisation_summary": "党员志愿服务汇总表",
    }
)

# HEADERS names the columns without the seed's printed remarks "(清晰扼要)" / "(详细材料可附后)";
# import accepts both spellings (see header_key).
_CONTENT = "心愿内容"

_ACTIVITY_COLUMNS = tuple(f"{kind.label_zh}（次）" for kind in ActivityKind)

#: The column headers of each form, in order (``forms.HEADERS["wish_collection"]``).
HEADERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        # 000 附件: the first column names the line (我和弱势群体结对子 / 我为困难群众办实事 /
        # 我和帮扶对象同过节); the other four are the seed's columns of the first line, which the
        # other two lines fill the same way (对象情况, 计划内容, 开展时间, 方式).
        "plan": ("志愿服务内容", "结对共建单位名称及情况", "计划帮扶共建措施", "开展时间", "结对共建方式"),
        # 004 附件1: the seed's eight columns, then what a Beneficiary and a Wish need.
        "wish_collection": (
            "序号",
            "姓名",
            "性别",
            "年龄",
            "家庭住址",
            _CONTENT,
            "申领证明材料",
            "联系电话",
            "身份证号码",
            "服务对象类别",
            "所在社区（村）",
            "心愿类别",
            "心愿价值（元）",
            "征集日期",
        ),
        # 004 附件2: one row per live claim; 联系电话 is the claimant's (it follows 所在单位). A supporter's
        # claim shows the supporter in 圆梦党员姓名, no 所在单位, and its kind in 认领人类别 (党员 for a member).
        "wish_claims": (
            "序号",
            "征集对象姓名",
            "性别",
            "年龄",
            "家庭住址",
            _CONTENT,
            "圆梦党员姓名",
            "所在单位",
            "联系电话",
            "认领日期",
            "认领金额（元）",
            "落实日期",
            "认领人类别",
        ),
        # 004 附件3: one row per fulfilled wish; 联系电话 is the beneficiary's, 联系方式 the claimants'
        # (圆梦党员 names members, then supporters with their kind); a wish fulfilled through a referral
        # names the department, the referral date and what it reported.
        "wish_summary": (
            "序号",
            "姓名",
            "性别",
            "年龄",
            "家庭住址",
            _CONTENT,
            "申领证明材料",
            "联系电话",
            "圆梦党员",
            "联系方式",
            "心愿价值（元）",
            "落实日期",
            "转介部门",
            "转介日期",
            "办理结果",
        ),
        # 活动开展情况 (000 §五, 002 §四): one row per branch for one half of a year.
        "half_year": (
            "支部名称",
            "年度",
            "半年",
            "参加党员（人）",
            "达标党员（人）",
            "未达标党员（人）",
            *_ACTIVITY_COLUMNS,
            "活动合计（次）",
            "志愿服务时长（小时）",
            "认领心愿（个）",
            "落实心愿（个）",
            "结对（个）",
            "工作小结",
        ),
        # 公示: one row per member — hours, compliance, and the wishes the member fulfilled; then one row
        # per supporter who fulfilled a wish (社会认领人) and one per wish referred in the year (转介…).
        "notice": (
            "序号",
            "支部名称",
            "党员姓名",
            "志愿服务时长（小时）",
            "达标情况",
            "圆梦微心愿",
            "社会认领人",
            "转介心愿",
            "转介部门",
            "转介日期",
            "办理结果",
        ),
        # 汇总表 (逐级上报): one row per organisation node, its subtree's totals, the name indented by depth.
        "organisation_summary": (
            "序号",
            "组织",
            "类别",
            "层级",
            "上级",
            "支部数",
            "党员数",
            "达标人数",
            "达标率（%）",
            "服务时长（小时）",
            "违规数",
        ),
    }
)

_PARENTHESISED = re.compile(r"\([^()]*\)")


def header_key(text: object) -> str:
    """A header cell reduced to what identifies it: full-width forms folded (NFKC), whitespace and
    parenthesised remarks removed — so ``心愿内容 (清晰扼要)``, ``心愿内容(清晰扼要)`` and ``心愿内容``
    are one column, and ``所在社区（村）`` is ``所在社区``.

    >>> header_key("心愿内容 (清晰扼要)"), header_key("所在社区（村）"), header_key(" 姓　名 ")
    ('心愿内容', '所在社区', '姓名')
    """
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    compact = "".join(folded.split())
    return _PARENTHESISED.sub("", compact)
