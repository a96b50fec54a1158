"""``volunteer-core check`` does not flag a wish over the cap that was referred (转介) — still open or
resolved — while the same wish not referred exits 1 with ``wish.value_cap``; nor the synthetic year's two
referred wishes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cli_support import YEAR, clear_locale, run

from volunteer_core import Wish
from volunteer_core.serialization import unstructure
from volunteer_core.synthetic import generate_year

CHAIR = Wish(
    id="w1",
    beneficiary_id="p1",
    kind="material",
    content="电动轮椅",
    collected_on=date(YEAR, 5, 1),
    value="2800.00",
)
OPEN = CHAIR.refer(to="区残联", on=date(YEAR, 5, 3), reason="超过300元，党员力所不及")
RESOLVED = OPEN.resolve_referral(on=date(YEAR, 6, 1), fulfilled=True, outcome="已配发")


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


def check(tmp_path: Path, capsys: pytest.CaptureFixture[str], *wishes: Wish) -> tuple[int, dict[str, object]]:
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"wishes": [unstructure(w) for w in wishes]}, ensure_ascii=False), "utf-8")
    code, out, _ = run(["check", str(path), "--year", str(YEAR), "--format", "json"], capsys)
    payload: dict[str, object] = json.loads(out)
    return code, payload


@pytest.mark.parametrize("wish", [OPEN, RESOLVED], ids=["referred", "resolved"])
def test_a_referred_wish_over_the_cap_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], wish: Wish
) -> None:
    code, payload = check(tmp_path, capsys, wish)
    assert (code, payload["violations"]) == (0, [])


def test_the_same_wish_not_referred_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = check(tmp_path, capsys, CHAIR, OPEN)
    assert code == 1
    assert payload["counts"] == {"wish.value_cap": 1}


def test_the_synthetic_years_referred_wishes_are_not_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = generate_year(YEAR, members=20, branches=2, seed=5)
    referred = {w.id for w in world.wishes if w.referred_on is not None}
    assert len(referred) == 2
    _, payload = check(tmp_path, capsys, *world.wishes)
    violations = payload["violations"]
    assert isinstance(violations, list)
    assert not {v["subject_id"] for v in violations} & referred
