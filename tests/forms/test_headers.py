"""The headers are the seeds', character for character — the seed text's line-break spaces and its printed
remarks in parentheses ("(清晰扼要)") removed, as ``forms.HEADERS`` names them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from volunteer_core.forms import HEADERS, KINDS

# The header lines exactly as the seed files print them (tab-separated cells; a space inside a cell is
# where the printed cell wrapped).
SEED_004_ANNEX_1 = (
    "序号\t姓名\t性别\t年龄\t家庭住址\t心愿内容(清晰扼要)\t申领证明材料 (详细材料可附后)\t联系电话"
)
SEED_004_ANNEX_2 = (
    "序号\t征集对象姓名\t性别\t年龄\t家庭住址\t心愿内容(清晰扼要)\t圆梦党员姓名\t所在单位\t联系电话"
)
SEED_004_ANNEX_3 = (
    "序号\t姓名\t性别\t年龄\t家庭住址\t心愿内容 (清晰扼要)\t申领证明材料\t联系电话\t圆梦党员\t联系方式"
)
SEED_000_PLAN = "我和弱势群体结对子\t结对共建 单位名称及情况\t计划帮扶 共建措施\t开展 时间\t结对共 建方式"

# the five policy documents the library cites, kept verbatim in the repository
SEEDS = Path(__file__).resolve().parents[2] / "docs" / "sources"


def cells(line: str) -> tuple[str, ...]:
    return tuple(re.sub(r"[(（][^)）]*[)）]", "", "".join(cell.split())) for cell in line.split("\t"))


@pytest.mark.parametrize(
    ("kind", "seed_line"),
    [
        ("wish_collection", SEED_004_ANNEX_1),
        ("wish_claims", SEED_004_ANNEX_2),
        ("wish_summary", SEED_004_ANNEX_3),
    ],
)
def test_the_attachments_begin_with_the_seed_columns(kind: str, seed_line: str) -> None:
    seed = cells(seed_line)
    assert HEADERS[kind][: len(seed)] == seed


def test_the_plan_has_the_seed_columns_after_the_line() -> None:
    assert HEADERS["plan"][1:] == cells(SEED_000_PLAN)[1:]


def test_wish_collection_adds_the_columns_of_the_api_in_order() -> None:
    assert HEADERS["wish_collection"][8:] == (
        "身份证号码",
        "服务对象类别",
        "所在社区（村）",
        "心愿类别",
        "心愿价值（元）",
        "征集日期",
    )


def test_every_kind_has_unique_headers() -> None:
    assert set(HEADERS) == set(KINDS)
    for kind in KINDS:
        assert len(set(HEADERS[kind])) == len(HEADERS[kind]), kind


def test_the_header_lines_are_copied_from_the_seed_files() -> None:
    text_000 = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    text_004 = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    assert SEED_000_PLAN in text_000
    for line in (SEED_004_ANNEX_1, SEED_004_ANNEX_2, SEED_004_ANNEX_3):
        assert line in text_004
