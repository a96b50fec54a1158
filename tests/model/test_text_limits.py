"""Clean, bounded text at construction (issue 15 "Clean text", "Bounded work"): ids, names and free text have
documented maximum lengths; control characters (but tab and line breaks in free text) and lone surrogates are
refused with an InvalidInput naming the field, whose value is safe to print."""

from __future__ import annotations

import functools
import typing
import unicodedata
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from volunteer_core import Branch, Claim, InvalidInput, Member, PlanItem, ServiceRecord, Wish
from volunteer_core.aggregates import ENTITIES
from volunteer_core.model._fields import (
    MAX_ID_LENGTH,
    MAX_INTEGER,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    check_identifier,
)

D = date(2026, 5, 1)


def wish(**changes: Any) -> Wish:
    fields: dict[str, Any] = {
        "id": "w1",
        "beneficiary_id": "p1",
        "kind": "material",
        "content": "一台电饭煲",
        "collected_on": D,
    }
    return Wish(**{**fields, **changes})


def member(**changes: Any) -> Member:
    return Member(**{"id": "m1", "name": "张三", "branch_id": "b1", "joined_on": D, **changes})


def refused(build: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        build()
    return caught.value


# ---------------------------------------------------------------------------------------------------------
# the limits, at their edges


def test_the_limits_are_what_the_documentation_says() -> None:
    assert (MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, MAX_INTEGER) == (128, 200, 10_000, 2**63 - 1)


@pytest.mark.parametrize(
    ("build", "limit"),
    [
        (lambda text: Branch(id=text, name="支部"), MAX_ID_LENGTH),
        (lambda text: member(branch_id=text), MAX_ID_LENGTH),
        (lambda text: member(skills={text}), MAX_ID_LENGTH),
        (lambda text: member(name=text), MAX_NAME_LENGTH),
        (lambda text: Branch(id="b1", name=text), MAX_NAME_LENGTH),
        (lambda text: wish(content=text), MAX_TEXT_LENGTH),
        (lambda text: wish(evidence=text), MAX_TEXT_LENGTH),
    ],
)
def test_the_longest_text_is_accepted_and_one_more_character_refused(build: Any, limit: int) -> None:
    build("字" * limit)
    error = refused(lambda: build("字" * (limit + 1)))
    assert error.code == "input.too_large"
    assert str(limit) in error.message_en
    assert str(limit) in error.message_zh


def test_a_megabyte_id_is_refused_with_a_short_error() -> None:
    error = refused(lambda: ServiceRecord(
        id="r1", member_id="m" * 1_000_000, activity_id="a1", branch_id="b1",
        kind="community_service", on=D, minutes=60,
    ))  # fmt: skip
    assert (error.path, error.code) == ("member_id", "input.too_large")
    assert len(str(error)) < 400
    assert "1000000" in error.message_en


def test_integers_stay_within_what_a_bigint_holds() -> None:
    assert Branch(id="b1", name="支部", version=MAX_INTEGER).version == MAX_INTEGER
    error = refused(lambda: Branch(id="b1", name="支部", version=MAX_INTEGER + 1))
    assert (error.path, error.code) == ("version", "input.too_large")
    error = refused(lambda: ServiceRecord(
        id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="community_service",
        on=D, minutes=-(10**5000),
    ))  # fmt: skip
    assert (error.path, error.code) == ("minutes", "input.too_large")
    assert "digits" in str(error)


# ---------------------------------------------------------------------------------------------------------
# control characters and surrogates


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\t", "\n", "\r", "\u2028"])
def test_ids_and_names_hold_no_control_character_at_all(char: str) -> None:
    for build, field in [
        (lambda: Branch(id=f"b{char}1", name="支部"), "id"),
        (lambda: member(name=f"张{char}三"), "name"),
        (lambda: member(skills={f"急救{char}"}), "skills"),
    ]:
        error = refused(build)
        assert (error.path, error.code) == (field, "input.invalid")
        assert f"U+{ord(char):04X}" in error.message_en
        assert f"U+{ord(char):04X}" in error.message_zh
        assert "character 2" in error.message_en or "character 3" in error.message_en


@pytest.mark.parametrize("text", ["第一行\n第二行", "甲\t乙", "Windows 换行\r\n第二行", "  前后有空格  ", ""])
def test_free_text_keeps_tabs_and_line_breaks(text: str) -> None:
    assert wish(content=text).content == text


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\x0b", "\x0c", "\r"])
def test_free_text_refuses_other_control_characters_and_a_bare_carriage_return(char: str) -> None:
    error = refused(lambda: wish(reason=f"理由{char}x"))
    assert (error.path, error.code) == ("reason", "input.invalid")
    assert "character 3" in error.message_en
    assert "第 3 个字符" in error.message_zh


@pytest.mark.parametrize("build", [
    lambda: Branch(id="b\ud800", name="支部"),
    lambda: member(name="张\udfff"),
    lambda: wish(content="\ud83d"),  # half of an emoji
])  # fmt: skip
def test_a_lone_surrogate_is_refused_everywhere(build: Any) -> None:
    error = refused(build)
    assert "surrogate" in error.message_en
    assert "代理" in error.message_zh
    str(error).encode("utf-8")  # the error itself can be written anywhere


def test_the_refused_value_is_shown_escaped_so_a_terminal_is_safe() -> None:
    error = refused(lambda: member(name="张三\x1b[2J\x1b[31m"))
    assert isinstance(error.value, str)
    assert "\x1b" not in error.value
    assert "\\x1b[2J" in error.value
    assert "\x1b" not in str(error)


@pytest.mark.parametrize("text", ["张三", "Zhāng Sān", "欧阳修", "👨\u200d👩\u200d👧", "A·B", "全角　空格"])
def test_ordinary_names_pass(text: str) -> None:
    assert member(name=text).name == text


# ---------------------------------------------------------------------------------------------------------
# every text field of every entity: discovered from the attrs fields typed str


def _text_fields() -> list[tuple[type, str]]:
    found = []
    for cls in (*ENTITIES, Claim, PlanItem):
        hints = typing.get_type_hints(cls)
        found += [(cls, a.name) for a in attrs.fields(cls) if hints[a.name] in (str, str | None)]
    return found


TEXT_FIELDS = _text_fields()


def test_the_text_fields_are_found() -> None:
    assert len(TEXT_FIELDS) >= 50
    assert (Wish, "content") in TEXT_FIELDS
    assert (Member, "name") in TEXT_FIELDS


@functools.cache
def example(cls: type) -> Any:
    """The simplest valid ``cls`` the test kit draws."""
    return find(st.from_type(cls), lambda _: True, settings=settings(phases=[Phase.generate], database=None))


JUNK = {"ansi": "\x1b[2J", "surrogate": "\ud800", "nul": "a\x00b", "long": "字" * (MAX_TEXT_LENGTH + 1)}


@pytest.mark.parametrize(("cls", "field"), TEXT_FIELDS, ids=[f"{c.__name__}.{f}" for c, f in TEXT_FIELDS])
@pytest.mark.parametrize("junk", JUNK.values(), ids=JUNK.keys())
def test_every_text_field_refuses_junk_naming_itself(cls: type, field: str, junk: str) -> None:
    error = refused(lambda: attrs.evolve(example(cls), **{field: junk}))
    assert error.path == field
    text = str(error)
    assert len(text) < 600
    assert "\x1b" not in text
    assert "\x00" not in text
    text.encode("utf-8")


# ---------------------------------------------------------------------------------------------------------
# ids read on their own: idempotency keys


def test_check_identifier_reads_an_idempotency_key() -> None:
    assert check_identifier("idempotency_key", "import-2026-05#17") == "import-2026-05#17"
    assert check_identifier("idempotency_key", "k" * MAX_ID_LENGTH) == "k" * MAX_ID_LENGTH


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("k" * 1_000_000, "input.too_large"),
        ("k\n", "input.invalid"),
        ("k\x00", "input.invalid"),
        ("\ud800", "input.invalid"),
        (" k", "input.invalid"),
        ("", "input.required"),
        (None, "input.required"),
        (17, "input.invalid"),
    ],
)
def test_check_identifier_refuses_bad_keys_naming_the_field(key: Any, code: str) -> None:
    error = refused(lambda: check_identifier("idempotency_key", key))
    assert (error.path, error.code) == ("idempotency_key", code)


@given(st.text(max_size=200))
def test_any_text_is_a_valid_name_or_one_invalid_input(text: str) -> None:
    try:
        built = member(name=text)
    except InvalidInput as error:
        refusal = error
    else:
        assert not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in built.name)
        assert built.name.strip()
        return
    assert refusal.path == "name"
    str(refusal).encode("utf-8")
