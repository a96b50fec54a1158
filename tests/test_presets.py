"""The presets from their own text (issue 16): one common test class runs over every preset, the way the
holidays package runs one test class per country.

Each seed preset is ``policies.NATIONAL`` plus exactly the rules its seed states: every rule it switches on
cites that seed (file and section) or the national layer, the quoted words are found in that section of
the seed's text (``docs/sources``), and the numbers are the seed's. ``DEFAULT`` is the union the library is
known by; ``NATIONAL`` switches every seed rule off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import HalfYearReport, InvalidInput, Severity, Violation, Yuan, calendar, rules
from volunteer_core.policies import (
    DEFAULT,
    FUJIAN_GOV_2022,
    LOUDI_2018,
    MCA_LEIFENG,
    MEILIE_2017,
    NATIONAL,
    PRESETS,
    PUTIAN_2022,
    SWITCHES,
    Policy,
)
from volunteer_core.policy import NATIONAL_STARS

SOURCES = Path(__file__).parents[1] / "docs" / "sources"

#: 002 was saved from a web page that wrote pinyin after characters: 發(fā) → 發.
_PINYIN = re.compile(r"\([a-zA-Z\u00c0-\u024f]+\)")


def seed_text(number: str) -> str:
    """The seed's text, 002's pinyin artefacts removed."""
    (path,) = SOURCES.glob(f"{number}_*.txt")
    return _PINYIN.sub("", path.read_text(encoding="utf-8"))


@attrs.frozen
class Stated:
    """A rule a seed states: its citation, words quoted from the text, and the section they stand in
    (between the heading ``after`` and the next heading ``before``)."""

    code: str
    citation: str
    quote: str
    after: str
    before: str

    @property
    def seed(self) -> str:
        return self.citation[:3]


def _stated(codes: tuple[str, ...], citation: str, quote: str, after: str, before: str) -> list[Stated]:
    return [Stated(code, citation, quote, after, before) for code in codes]


_IV_1 = ("1. **“我和弱势群体结对子”**", "2. **“我为困难群众办实事”**")
_IV_3 = ("3. **“我和帮扶对象同过节”**", "五、志愿服务要求")
_V = ("五、志愿服务要求", "附件：")
_V_3 = ("3. 形式多样", "4. 加强宣传")
_MCA_1 = ("(一)确定结对服务对象", "(二)开展志愿服务活动")
_MCA_3 = ("(三)及时做好活动总结", "(一)广泛动员")
_PUTIAN_III = ("三、構筑", "四,、加強組織領導")
_PUTIAN_IV = ("四,、加強組織領導", "中共莆田市委黨校")
_MEILIE_1 = ("1.关爱空巢老人志愿服务", "2.关爱留守儿童志愿服务")
_MEILIE_5 = ("5.开展大型便民利民志愿服务", "6.开展网络文明传播志愿服务")
_MEILIE_IV_5 = ("5.提供工作保障", "6.开展表彰活动")
_LOUDI_III = ("三、活动时间、方式及“微心愿”内容", "四、主要工作及责任分工")
_REPORTS = ("branch.report_due", "branch.report_premature")
_COVERAGE = ("coverage.organised", "coverage.registered", "coverage.trained", "coverage.participating")

FUJIAN_STATED = [
    Stated("member.branch_activities", "000 §四.1", "每年至少参加1-2次所在支部的共建、帮扶活动", *_IV_1),
    Stated("pairing.duplicate", "000 §五.3", "避免多头、重复结对", *_V_3),
    Stated("activity.festival_window", "000 §四.3", "开展和帮扶对象同过节活动", *_IV_3),
    Stated("branch.plan_due", "000 §五", "5月中旬前将活动计划表", *_V),
    *_stated(_REPORTS, "000 §五", "6月底、12月底前将活动开展情况报送", *_V),
]
MCA_STATED = [
    Stated("pairing.single_target", "001 §(一)", "确定一个结对服务对象", *_MCA_1),
    Stated("branch.plan_due", "001 §(一)", "于3月9日(星期五)前报直属机关党委", *_MCA_1),
    Stated("activity.summary", "001 §(三)", "每次志愿服务活动结束后,各单位党组织要及时做好活动总结", *_MCA_3),
]
PUTIAN_STATED = [
    Stated("branch.team", "002 §三 六个一", "每個黨支部至少組建一支黨員志愿服務隊", *_PUTIAN_III),
    Stated("team.campaign", "002 §三 六个一", "每支黨員志愿服務隊至少開展一次集中志愿服務活動", *_PUTIAN_III),
    Stated("member.skill", "002 §三 六个一", "至少學習掌握一項以上的志愿服務技能", *_PUTIAN_III),
    Stated(
        "member.monthly_community", "002 §三 六个一", "每月至少參加一次集中社區志愿服務活動", *_PUTIAN_III
    ),
    Stated("member.annual_hours", "002 §三 六个一", "每年志愿服務活動時間不少于20小時", *_PUTIAN_III),
    Stated("member.caring_action", "002 §三 六个一", "每年至少開展一次奉獻愛心行動", *_PUTIAN_III),
    Stated("coverage.organised", "002 §三 四覆盖", "各黨支部組織動員全覆蓋", *_PUTIAN_III),
    Stated("coverage.registered", "002 §三 四覆盖", "黨員志愿者注冊登記全覆蓋", *_PUTIAN_III),
    Stated("coverage.trained", "002 §三 四覆盖", "接受組織管理和培訓全覆蓋", *_PUTIAN_III),
    Stated("coverage.participating", "002 §三 四覆盖", "參加志愿服務活動全覆蓋", *_PUTIAN_III),
    *_stated(_REPORTS, "002 §四", "半年小結的報送工作,,分別于6月底和12月底前", *_PUTIAN_IV),
]
MEILIE_STATED = [
    Stated("activity.festival_window", "003 §三（一）1", "节假日探望", *_MEILIE_1),
    Stated(
        "activity.festival_window",
        "003 §三（二）5",
        "利用3·5学雷锋日、12·5国际志愿者日等重要节点",
        *_MEILIE_5,
    ),
    Stated("member.uninsured", "003 §四.5", "为志愿者办理人身意外伤害综合保险", *_MEILIE_IV_5),
]
LOUDI_STATED = [
    Stated("wish.value_cap", "004 §三", "经济价值300元以内的物资“微需求”", *_LOUDI_III),
    Stated("activity.festival_window", "004 §三", "结合中秋节、重阳节等时节", *_LOUDI_III),
]
#: DEFAULT: the 300-yuan cap, 六个一, 1–2 branch activities, no duplicate pairings, the Fujian deadlines
#: (and 002's reports), every seed's festivals — not 001's rules, not 四覆盖, not 003's insurance.
DEFAULT_STATED = [
    *(s for s in FUJIAN_STATED),
    *(s for s in PUTIAN_STATED if s.code not in _COVERAGE),
    *(s for s in MEILIE_STATED if s.code != "member.uninsured"),
    *LOUDI_STATED,
]

#: the national layer: timely recording (2020 measures) and training before service (2024 opinions §四.3)
NATIONAL_RULES = frozenset({"record.timeliness", "record.timeliness_unknown", "member.untrained"})

_SIX_ONES: dict[str, dict[str, Any]] = {
    "member.annual_hours": {"min_annual_minutes": 1200, "prorate_annual_minutes": True},
    "member.monthly_community": {
        "min_community_sessions_per_month": 1,
        "community_service_where_registered": False,
    },
    "member.caring_action": {"min_caring_actions": 1},
    "member.skill": {"min_skills": 1},
    "branch.team": {"min_teams_per_branch": 1},
    "team.campaign": {"min_campaigns_per_team": 1},
}
_HALF_YEARS: dict[str, dict[str, Any]] = {code: {"report_due": ((6, 30), (12, 31))} for code in _REPORTS}
_NATIONAL_SETTINGS: dict[str, dict[str, Any]] = {
    "member.untrained": {"require_training": True},
    "record.timeliness": {"record_within_working_days": 10},
    "record.timeliness_unknown": {"beyond_official_calendar": "warn"},
}


def _window(festivals: frozenset[str]) -> dict[str, dict[str, Any]]:
    return {"activity.festival_window": {"festival_window_days": 7, "festivals": festivals}}


@attrs.frozen
class Expected:
    """What a preset must be: the seeds it may cite, the rules they state, the numbers it judges by."""

    seeds: frozenset[str]
    stated: tuple[Stated, ...]
    settings: Mapping[str, Mapping[str, Any]]


EXPECTED: dict[str, Expected] = {
    "NATIONAL": Expected(seeds=frozenset(), stated=(), settings=_NATIONAL_SETTINGS),
    "FUJIAN_GOV_2022": Expected(
        seeds=frozenset({"000"}),
        stated=tuple(FUJIAN_STATED),
        settings={
            "member.branch_activities": {"branch_activities_min": 1, "branch_activities_target": 2},
            "pairing.duplicate": {"forbid_duplicate_pairings": True},
            **_window(calendar.FUJIAN_FESTIVALS),
            "branch.plan_due": {"plan_due": (5, 15)},
            **_HALF_YEARS,
            **_NATIONAL_SETTINGS,
        },
    ),
    "MCA_LEIFENG": Expected(
        seeds=frozenset({"001"}),
        stated=tuple(MCA_STATED),
        settings={
            "pairing.single_target": {"max_pairing_targets_per_branch": 1, "max_pairing_targets_per_unit": 1},
            "activity.summary": {"require_activity_summary": True, "summary_due_days": 7},
            "branch.plan_due": {"plan_due": (3, 9)},
            **_NATIONAL_SETTINGS,
        },
    ),
    "PUTIAN_2022": Expected(
        seeds=frozenset({"002"}),
        stated=tuple(PUTIAN_STATED),
        settings={
            **_SIX_ONES,
            **{code: {"require_coverage": True} for code in _COVERAGE},
            **_HALF_YEARS,
            **_NATIONAL_SETTINGS,
        },
    ),
    "MEILIE_2017": Expected(
        seeds=frozenset({"003"}),
        stated=tuple(MEILIE_STATED),
        settings={
            **_window(calendar.MEILIE_FESTIVALS),
            "member.uninsured": {"require_insurance": True},
            **_NATIONAL_SETTINGS,
        },
    ),
    "LOUDI_2018": Expected(
        seeds=frozenset({"004"}),
        stated=tuple(LOUDI_STATED),
        settings={
            "wish.value_cap": {"wish_value_cap": Yuan(300)},
            **_window(calendar.LOUDI_FESTIVALS),
            **_NATIONAL_SETTINGS,
        },
    ),
    "DEFAULT": Expected(
        seeds=frozenset({"000", "002", "003", "004"}),
        stated=tuple(DEFAULT_STATED),
        settings={
            "wish.value_cap": {"wish_value_cap": Yuan(300)},
            **_SIX_ONES,
            "member.branch_activities": {"branch_activities_min": 1, "branch_activities_target": 2},
            "pairing.duplicate": {"forbid_duplicate_pairings": True},
            **_window(calendar.ALL_FESTIVALS),
            "branch.plan_due": {"plan_due": (5, 15)},
            **_HALF_YEARS,
            **_NATIONAL_SETTINGS,
        },
    ),
}


def parts(citation: str) -> set[str]:
    """The citations a source joins with ", "."""
    return set(citation.split(", "))


@pytest.mark.parametrize("name", sorted(PRESETS))
class TestPreset:
    """Run over every preset: what it switches on, what it cites, and the numbers it judges by."""

    def test_switches_on_exactly_the_rules_its_text_states(self, name: str) -> None:
        stated = {s.code for s in EXPECTED[name].stated}
        assert set(PRESETS[name].rules_on()) == stated | NATIONAL_RULES

    def test_every_rule_switched_on_cites_its_seed_or_the_national_layer(self, name: str) -> None:
        policy, seeds = PRESETS[name], EXPECTED[name].seeds
        for code in policy.rules_on():
            citation = policy.sources[code]
            if code in NATIONAL_RULES:
                assert citation == NATIONAL.sources[code]
            else:
                assert {part[:3] for part in parts(citation)} <= seeds, (code, citation)

    def test_each_citation_is_what_the_seed_says_where_it_says_it(self, name: str) -> None:
        policy = PRESETS[name]
        for stated in EXPECTED[name].stated:
            assert stated.citation in parts(policy.sources[stated.code])
            text = seed_text(stated.seed)
            section = text[text.index(stated.after) : text.index(stated.before, text.index(stated.after))]
            assert stated.quote in section, (stated.code, stated.citation)

    def test_cites_nothing_but_its_texts(self, name: str) -> None:
        policy, expected = PRESETS[name], EXPECTED[name]
        for code in set(policy.rules_on()) - NATIONAL_RULES:
            assert parts(policy.sources[code]) == {s.citation for s in expected.stated if s.code == code}

    def test_cites_no_rule_it_leaves_off(self, name: str) -> None:
        policy = PRESETS[name]
        assert set(policy.sources) - set(NATIONAL.sources) == set(policy.rules_on()) - NATIONAL_RULES

    def test_judges_by_the_seeds_numbers(self, name: str) -> None:
        policy, settings = PRESETS[name], EXPECTED[name].settings
        assert set(settings) == set(policy.rules_on())
        for code, values in settings.items():
            assert SWITCHES[code].settings(policy) == values, code

    def test_keeps_the_national_layer(self, name: str) -> None:
        policy = PRESETS[name]
        assert policy.sources.items() >= NATIONAL.sources.items()
        assert policy.record_within_working_days == 10
        assert policy.beyond_official_calendar == "warn"
        assert policy.star_thresholds_hours == NATIONAL_STARS.thresholds_hours == (100, 300, 600, 1000, 1500)
        assert not policy.star_yearly_reset
        assert policy.retention_years == 10

    def test_cite_puts_its_citation_on_each_rule_it_switches_on(self, name: str) -> None:
        policy = PRESETS[name]
        for code in policy.rules_on():
            found = Violation(
                code=code,
                severity=Severity.ERROR,
                subject_id="s1",
                message_zh="违反",
                message_en="breached",
                source="the rule's own",
                details={"value": 1},
            )
            (cited,) = policy.cite([found])
            assert cited == attrs.evolve(found, source=policy.sources[code])

    def test_is_frozen_and_evolve_derives_a_variant(self, name: str) -> None:
        policy = PRESETS[name]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            policy.name = "某县"  # type: ignore[misc]
        variant = attrs.evolve(policy, name="某县", record_within_working_days=5)
        assert variant.sources == policy.sources
        assert variant.rules_on() == policy.rules_on()
        assert (variant.record_within_working_days, policy.record_within_working_days) == (5, 10)


def test_every_preset_has_its_expectations() -> None:
    assert set(PRESETS) == set(EXPECTED)
    assert PRESETS["NATIONAL"] is NATIONAL


def test_national_switches_every_seed_rule_off() -> None:
    assert set(NATIONAL.rules_on()) == NATIONAL_RULES
    assert set(NATIONAL.sources) == NATIONAL_RULES | {
        "star_thresholds_hours",
        "certificates",
        "retention_years",
    }
    assert "Art 11" in NATIONAL.sources["record.timeliness"]
    assert NATIONAL.sources["member.untrained"] == "中办国办《关于健全新时代志愿服务体系的意见》2024 §四.3"
    assert "Art 15" in NATIONAL.sources["certificates"]
    assert NATIONAL.sources["star_thresholds_hours"] == NATIONAL_STARS.source


def test_default_is_the_union_the_library_is_known_by() -> None:
    seeds = [FUJIAN_GOV_2022, MCA_LEIFENG, PUTIAN_2022, MEILIE_2017, LOUDI_2018]
    union = set().union(*(p.rules_on() for p in seeds))
    assert set(DEFAULT.rules_on()) <= union
    # what the library is not known by: 001's one target and summaries, 002's 四覆盖, 003's insurance
    assert union - set(DEFAULT.rules_on()) == {
        "pairing.single_target",
        "activity.summary",
        *_COVERAGE,
        "member.uninsured",
    }
    for code in DEFAULT.rules_on():
        by_seeds = set().union(*(parts(p.sources[code]) for p in [NATIONAL, *seeds] if code in p.rules_on()))
        assert parts(DEFAULT.sources[code]) <= by_seeds, code
    assert DEFAULT.festivals == calendar.ALL_FESTIVALS
    assert (
        DEFAULT.festivals >= calendar.FUJIAN_FESTIVALS | calendar.LOUDI_FESTIVALS | calendar.MEILIE_FESTIVALS
    )


def test_the_cap_and_the_duplicate_ban_are_only_where_their_text_is() -> None:
    # only 004 sets the 300-yuan cap; only 000 says 「避免多头、重复结对」
    assert sorted(n for n, p in PRESETS.items() if p.wish_value_cap is not None) == ["DEFAULT", "LOUDI_2018"]
    assert sorted(n for n, p in PRESETS.items() if p.forbid_duplicate_pairings) == [
        "DEFAULT",
        "FUJIAN_GOV_2022",
    ]
    assert sorted(n for n, p in PRESETS.items() if p.require_coverage) == ["PUTIAN_2022"]
    # only 003 insures its volunteers (§四.5); every preset keeps the national training before service
    assert sorted(n for n, p in PRESETS.items() if p.require_insurance) == ["MEILIE_2017"]
    assert all(p.require_training for p in PRESETS.values())


def test_a_report_judged_under_putian_cites_002() -> None:
    late = HalfYearReport(id="h1", branch_id="b1", year=2026, half=1, submitted_on=date(2026, 7, 1))
    on_time = HalfYearReport(id="h2", branch_id="b1", year=2026, half=2, submitted_on=date(2026, 12, 31))
    found = rules.check_report_due("b1", 2026, [late, on_time], PUTIAN_2022)
    assert [v.code for v in found] == ["branch.report_due"]
    assert [v.source for v in PUTIAN_2022.cite(found)] == ["002 §四"]
    assert [v.source for v in FUJIAN_GOV_2022.cite(found)] == ["000 §五"]


def test_every_switched_rule_is_catalogued() -> None:
    assert set(SWITCHES) <= set(rules.RULES)
    for policy in PRESETS.values():
        assert set(policy.sources) - set(rules.RULES) <= {
            "star_thresholds_hours",
            "certificates",
            "retention_years",
        }


def test_the_new_switches_are_validated() -> None:
    with pytest.raises(InvalidInput):
        attrs.evolve(DEFAULT, max_pairing_targets_per_unit=-1)
    with pytest.raises(InvalidInput):
        attrs.evolve(DEFAULT, max_pairing_targets_per_unit=True)
    assert (
        attrs.evolve(DEFAULT, max_pairing_targets_per_unit=0).rules_on().count("pairing.single_target") == 1
    )
    assert Policy().beyond_official_calendar == "warn"
    assert Policy().sources == {}


# --- properties ------------------------------------------------------------------------------------------

#: a value that switches each switching field off, and one that switches it on (record_within_working_days
#: has no "off": the national 10-working-day rule always holds)
OFF: dict[str, Any] = {
    "wish_value_cap": None,
    "min_annual_minutes": None,
    "min_community_sessions_per_month": None,
    "branch_activities_min": None,
    "branch_activities_target": None,
    "min_caring_actions": None,
    "min_skills": None,
    "min_teams_per_branch": None,
    "min_campaigns_per_team": None,
    "forbid_duplicate_pairings": False,
    "max_pairing_targets_per_branch": None,
    "max_pairing_targets_per_unit": None,
    "festival_window_days": None,
    "require_activity_summary": False,
    "plan_due": None,
    "report_due": None,
    "require_coverage": False,
    "require_insurance": False,
    "require_training": False,
    "beyond_official_calendar": "raise",
}
ON: dict[str, Any] = {
    "wish_value_cap": Yuan(300),
    "min_annual_minutes": 1200,
    "min_community_sessions_per_month": 1,
    "branch_activities_min": 1,
    "branch_activities_target": 2,
    "min_caring_actions": 1,
    "min_skills": 1,
    "min_teams_per_branch": 1,
    "min_campaigns_per_team": 1,
    "forbid_duplicate_pairings": True,
    "max_pairing_targets_per_branch": 1,
    "max_pairing_targets_per_unit": 1,
    "festival_window_days": 7,
    "require_activity_summary": True,
    "plan_due": (3, 9),
    "report_due": ((6, 30), (12, 31)),
    "require_coverage": True,
    "require_insurance": True,
    "require_training": True,
    "beyond_official_calendar": "warn",
}


def test_the_property_tables_know_every_switch() -> None:
    fields = {name for switch in SWITCHES.values() for name in switch.switches}
    assert fields == set(OFF) | {"record_within_working_days"} == set(ON) | {"record_within_working_days"}


@given(
    st.sampled_from(sorted(PRESETS)),
    st.dictionaries(st.sampled_from(sorted(OFF)), st.booleans()),
)
def test_a_rule_is_on_exactly_when_one_of_its_switches_is(name: str, flips: dict[str, bool]) -> None:
    values = {field: ON[field] if on else OFF[field] for field, on in flips.items()}
    policy = attrs.evolve(PRESETS[name], **values)
    for code, switch in SWITCHES.items():
        expected = any(getattr(policy, f) != OFF[f] for f in switch.switches if f in OFF) or not all(
            f in OFF for f in switch.switches
        )
        assert (code in policy.rules_on()) is expected, code


_CODES = [*SWITCHES, "wish.transition", "ledger.append_only", "record.status"]


@st.composite
def violations(draw: st.DrawFn) -> Violation:
    return Violation(
        code=draw(st.sampled_from(_CODES)),
        severity=draw(st.sampled_from(list(Severity))),
        subject_id=draw(st.text(min_size=1, max_size=5)),
        message_zh=draw(st.text(max_size=5)),
        message_en=draw(st.text(max_size=5)),
        source=draw(st.text(max_size=10)),
        details=draw(st.dictionaries(st.text(max_size=3), st.integers())),
    )


@given(st.sampled_from(sorted(PRESETS)), st.lists(violations(), max_size=8))
def test_cite_changes_the_source_of_the_rules_it_cites_and_nothing_else(
    name: str, found: list[Violation]
) -> None:
    policy = PRESETS[name]
    cited = policy.cite(found)
    assert cited == [attrs.evolve(v, source=policy.sources.get(v.code, v.source)) for v in found]
    assert policy.cite(cited) == cited
    assert policy.cite(iter(found)) == cited


_JUNK_KEYS = st.one_of(
    st.none(),
    st.integers(),
    st.just(""),
    st.just("Wish.Value_Cap"),
    st.just("wish value cap"),
    st.just("a.b.c"),
)
_JUNK_CITATIONS = st.one_of(st.none(), st.integers(), st.just(""), st.just("  "), st.just("000 §五\n002 §四"))


@given(_JUNK_KEYS, _JUNK_CITATIONS, st.booleans())
def test_sources_refuse_junk(key: Any, citation: Any, bad_key: bool) -> None:
    entry = {key: "000 §五"} if bad_key else {"branch.plan_due": citation}
    with pytest.raises(InvalidInput):
        attrs.evolve(DEFAULT, sources=entry)
    with pytest.raises(InvalidInput):
        attrs.evolve(DEFAULT, sources=[("branch.plan_due", "000 §五")])


def test_the_rules_page_shows_each_preset_and_the_rules_it_switches_on() -> None:
    page = (SOURCES.parent / "rules.md").read_text(encoding="utf-8")
    table = page[page.index("## 政策预设 / Presets") :]
    assert "| rule | `NATIONAL` | `FUJIAN_GOV_2022` | `MCA_LEIFENG` |" in table
    assert "| `wish.value_cap` | — | — | — | — | — | 004 §三 | 004 §三 |" in table
    for name, policy in PRESETS.items():
        section = table[table.index(f"### `{name}`") :].split("\n### ")[0]
        for code in policy.rules_on():
            assert f"- `{code}` ({policy.sources[code]}): " in section, (name, code)
    assert "`plan_due` = (3, 9)" in table[table.index("### `MCA_LEIFENG`") :]
