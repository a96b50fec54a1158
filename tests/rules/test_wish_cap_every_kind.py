"""``wish.value_cap`` on every wish that costs money, whatever its kind (004 §三 「经济价值300元以内的物资
'微需求'」): relabelling a wish 精神文化 no longer lifts the cap — in ``validate_wish``, at screening, and in the
附件1 import, where the 心愿类别 column no longer decides."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import Severity, Wish, WishKind, Yuan, policies, validate_wish
from volunteer_core.errors import RuleViolation
from volunteer_core.forms import HEADERS, import_wishes
from volunteer_core.storage.memory import InMemoryUnitOfWork

KINDS = [kind.value for kind in WishKind]


def wish(value: str | Yuan | None, kind: str = "cultural") -> Wish:
    return Wish(
        id="w1",
        beneficiary_id="p1",
        kind=kind,
        content="一套课外读物",
        collected_on=date(2026, 5, 1),
        value=value,
    )


def codes(w: Wish, policy: policies.Policy | None = None) -> list[str]:
    return [v.code for v in validate_wish(w, policy)]


def test_a_500_yuan_cultural_wish_is_refused() -> None:
    (v,) = validate_wish(wish("500"))
    assert v.code == "wish.value_cap"
    assert v.severity is Severity.ERROR
    assert v.details == {"value": "500.00", "cap": "300.00"}
    assert "500.00" in v.message_en
    assert "超过上限" in v.message_zh


@pytest.mark.parametrize("kind", KINDS)
def test_the_cap_is_inclusive_for_every_kind(kind: str) -> None:
    assert codes(wish("300.00", kind)) == []
    assert codes(wish("300.01", kind)) == ["wish.value_cap"]


@pytest.mark.parametrize("kind", ["cultural", "policy", "service"])
def test_a_non_material_wish_without_a_value_is_not_capped(kind: str) -> None:
    assert codes(wish(None, kind)) == []


@pytest.mark.parametrize("kind", KINDS)
def test_the_cap_follows_the_policy_for_every_kind(kind: str) -> None:
    low = attrs.evolve(policies.DEFAULT, wish_value_cap=Yuan(200))
    assert codes(wish("200.00", kind), low) == []
    assert codes(wish("200.01", kind), low) == ["wish.value_cap"]
    assert codes(wish("99999.99", kind), attrs.evolve(policies.DEFAULT, wish_value_cap=None)) == []


def test_a_preset_without_the_cap_does_not_cap_any_kind() -> None:
    """Only 004 states the cap: LOUDI_2018 caps a cultural wish, PUTIAN_2022 does not."""
    assert codes(wish("500"), policies.LOUDI_2018) == ["wish.value_cap"]
    assert codes(wish("500"), policies.PUTIAN_2022) == []


def test_screening_refuses_the_relabelled_wish() -> None:
    with pytest.raises(RuleViolation) as caught:
        wish("500").screen(True, date(2026, 5, 2))
    assert caught.value.violation.code == "wish.value_cap"
    assert wish("300").screen(True, date(2026, 5, 2)).status.value == "screened"


# -- the 附件1 import: the 心愿类别 column does not decide -------------------------------------------------


def annex(path: Path, category: str, value: str) -> Path:
    cells = {
        "序号": "1",
        "姓名": "赵大爷",
        "心愿内容": "书籍",
        "服务对象类别": "老",
        "所在社区（村）": "凤山社区",
        "心愿类别": category,
        "心愿价值（元）": value,
        "征集日期": "2026-05-01",
    }
    header = HEADERS["wish_collection"]
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerow([cells.get(h, "") for h in header])
    return path


@pytest.mark.parametrize("category", ["精神文化", "生活物资", "政策扶持", "微服务", ""])
def test_a_500_yuan_book_row_is_refused_whatever_its_category(tmp_path: Path, category: str) -> None:
    result = import_wishes(annex(tmp_path / "a.csv", category, "500元"), InMemoryUnitOfWork())
    assert result.imported == ()
    assert [(e.row, e.column, e.code) for e in result.errors] == [(2, "心愿价值（元）", "wish.value_cap")]


@pytest.mark.parametrize("category", ["精神文化", "生活物资"])
def test_a_300_yuan_book_row_imports_whatever_its_category(tmp_path: Path, category: str) -> None:
    result = import_wishes(annex(tmp_path / "a.csv", category, "300元"), InMemoryUnitOfWork())
    assert result.errors == ()
    assert [w.value for w in result.imported] == [Yuan(300)]


# -- the property ------------------------------------------------------------------------------------------


@given(
    kind=st.sampled_from(KINDS),
    fen=st.integers(min_value=1, max_value=10_000_000),
    cap_fen=st.none() | st.integers(min_value=0, max_value=1_000_000),
)
def test_a_value_is_capped_exactly_when_it_exceeds_the_cap(kind: str, fen: int, cap_fen: int | None) -> None:
    cap = None if cap_fen is None else Yuan.from_fen(cap_fen)
    policy = attrs.evolve(policies.DEFAULT, wish_value_cap=cap)
    capped = "wish.value_cap" in codes(wish(Yuan.from_fen(fen), kind), policy)
    assert capped is (cap is not None and fen > cap.fen)
