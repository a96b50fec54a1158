"""Serialization under hostile input (issue 15 "Raw exceptions", "Bounded work"): ``parse_json``,
``from_json`` and ``structure`` raise only InvalidInput, whatever the input — deep nesting, huge numbers,
repeated keys, lone surrogates, junk of every type — and the error is short and safe to print."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from serialization_support import TWO_CLAIMS, wish_data

from volunteer_core import Branch, Claim, DateRange, InvalidInput, PlanItem, Rule, Violation, Wish
from volunteer_core import serialization as ser
from volunteer_core.aggregates import ENTITIES
from volunteer_core.serialization import (
    MAX_JSON_DEPTH,
    MAX_JSON_NUMBER_LENGTH,
    from_json,
    parse_json,
    structure,
)

CLASSES = (*ENTITIES, Claim, PlanItem, DateRange, Violation, Rule)


def refusal(read: Any) -> InvalidInput:
    """The InvalidInput ``read()`` raises, checked to be short and printable anywhere."""
    with pytest.raises(InvalidInput) as caught:
        read()
    text = str(caught.value)
    assert len(text) < 1000
    text.encode("utf-8")
    assert "\x1b" not in text
    return caught.value


# ---------------------------------------------------------------------------------------------------------
# nesting: refused before the parser recurses


def test_the_issues_deep_array_is_too_large_not_a_recursion_error() -> None:
    error = refusal(lambda: from_json(Wish, "[" * 100_000 + "]" * 100_000))
    assert error.code == "input.too_large"
    assert "100000" in error.message_en
    assert str(MAX_JSON_DEPTH) in error.message_zh


@pytest.mark.parametrize(
    "text", ["[" * 100_000, "{" * 50_000, '{"a":' * 50_000, "[{" * 30_000 + "}]" * 30_000]
)
def test_deep_or_unterminated_nesting_is_too_large(text: str) -> None:
    assert refusal(lambda: parse_json(text)).code == "input.too_large"


def test_the_deepest_nesting_allowed_is_read_and_one_more_is_refused() -> None:
    assert parse_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    deeper = MAX_JSON_DEPTH + 1
    assert refusal(lambda: parse_json("[" * deeper + "]" * deeper)).code == "input.too_large"


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps(["[" * 10_000, '\\"[[[', "{" * 10_000])
    assert parse_json(text) == ["[" * 10_000, '\\"[[[', "{" * 10_000]


def test_many_shallow_brackets_are_fine() -> None:
    assert len(parse_json("[" + ",".join(["[]"] * 50_000) + "]")) == 50_000


def test_deep_python_data_given_to_structure_is_invalid_input() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    for data, cls in [(deep, Wish), ({"id": "b1", "name": deep}, Branch), ({"id": deep}, Branch)]:
        refusal(lambda data=data, cls=cls: structure(data, cls))
    details = {"code": "wish.value_cap", "severity": "error", "subject_id": "w1", "message_en": "x"}
    error = refusal(
        lambda: structure({**details, "message_zh": "x", "source": "s", "details": {"a": deep}}, Violation)
    )
    assert error.code == "input.too_large"


# ---------------------------------------------------------------------------------------------------------
# numbers


def test_a_five_thousand_digit_integer_is_too_large_not_a_value_error() -> None:
    text = json.dumps(wish_data()).replace('"version": 0', '"version": ' + "9" * 5000)
    error = refusal(lambda: from_json(Wish, text))
    assert error.code == "input.too_large"
    assert "5000" in error.message_en


def test_the_longest_number_is_read_and_one_more_digit_refused() -> None:
    assert parse_json("1" * MAX_JSON_NUMBER_LENGTH) == int("1" * MAX_JSON_NUMBER_LENGTH)
    assert refusal(lambda: parse_json("1" * (MAX_JSON_NUMBER_LENGTH + 1))).code == "input.too_large"
    assert refusal(lambda: parse_json("0." + "1" * MAX_JSON_NUMBER_LENGTH)).code == "input.too_large"


@pytest.mark.parametrize("text", ["1e999", "-1e999", "[1e400]", "NaN", "Infinity", "-Infinity"])
def test_numbers_that_are_not_finite_are_invalid(text: str) -> None:
    assert refusal(lambda: parse_json(text)).code == "input.invalid"


def test_huge_python_numbers_given_to_structure_are_refused_briefly() -> None:
    data = wish_data()
    error = refusal(lambda: structure({**data, "version": 10**5000}, Wish))
    assert (error.path, error.code) == ("version", "input.too_large")
    error = refusal(lambda: structure({**data, "value": 10**30}, Wish))
    assert (error.path, error.code) == ("value", "input.too_large")
    error = refusal(lambda: structure({**data, "value": "9" * 5000}, Wish))
    assert (error.path, error.code) == ("value", "input.too_large")


# ---------------------------------------------------------------------------------------------------------
# repeated keys and bad text


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"id": "b1", "name": "a", "name": "b"}', "name"),
        ('{"members": [{"id": "m1"}, {"id": "m2", "id": "m3"}]}', "members[1].id"),
        ('[{"a": {"b": 1, "b": 2}}]', "[0].a.b"),
    ],
)
def test_a_repeated_key_is_refused_anywhere_naming_it(text: str, path: str) -> None:
    error = refusal(lambda: parse_json(text))
    assert (error.path, error.code) == (path, "input.invalid")
    assert repr(path.rsplit(".", 1)[-1]) in error.message_en


@pytest.mark.parametrize("key", ["[" * 200_000 + "]" * 200_000, "k" * 1_000_000, "\x1b[2J" * 1000])
def test_a_huge_or_hostile_key_is_named_briefly(key: str) -> None:
    # the path and the messages show the key cut short and escaped, whatever it holds
    error = refusal(lambda: parse_json(json.dumps({"a": {key: 1}})[:-2] + ", " + json.dumps(key) + ": 2}}"))
    assert error.path.startswith("a.")
    assert len(error.path) < 200
    error = refusal(lambda: structure({"id": "b1", "name": "支部", key: 1}, Branch))
    assert error.code == "input.unknown_key"
    assert len(error.path) < 200


def test_a_lone_surrogate_in_json_text_is_refused_naming_the_field() -> None:
    text = json.dumps(ser.unstructure(Branch(id="b1", name="支部"))).replace("\\u652f", "\\ud800")
    error = refusal(lambda: from_json(Branch, text))
    assert error.path == "name"
    assert "surrogate" in error.message_en


def test_a_lone_surrogate_in_free_form_details_is_refused() -> None:
    data: dict[str, Any] = {"code": "x", "severity": "error", "subject_id": "w1", "message_en": "e"}
    data["message_zh"] = "z"
    data["source"] = "s"
    data["details"] = {"k": "\udc00"}
    assert refusal(lambda: structure(data, Violation)).path == "details.k"
    data["details"] = {"\ud800": 1}
    assert refusal(lambda: structure(data, Violation)).path == "details"


def test_a_ten_megabyte_string_for_a_number_gives_a_short_error() -> None:
    error = refusal(lambda: structure({**wish_data(), "version": "9" * 10_000_000}, Wish))
    assert (error.path, error.code) == ("version", "input.type")


def test_control_characters_in_a_value_are_escaped_in_the_error() -> None:
    error = refusal(lambda: structure({"id": "b1", "name": 5, "version": "\x1b[2J"}, Branch))
    assert "\x1b" not in repr(error.value)


@pytest.mark.parametrize(
    "text",
    [b"\xff\xfe\x00", b"\x00\x00\x00", bytearray(b"\xc3\x28"), None, 5, ["{}"], object()],
    ids=["utf16-odd", "nuls", "bad-utf8", "None", "int", "list", "object"],
)
def test_text_that_is_not_json_text_is_invalid_input(text: Any) -> None:
    refusal(lambda: parse_json(text))


def test_bytes_in_utf16_and_a_byte_order_mark_are_read() -> None:
    assert parse_json('{"a": "支部"}'.encode("utf-16")) == {"a": "支部"}
    assert parse_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


# ---------------------------------------------------------------------------------------------------------
# any junk: only InvalidInput


JUNK_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**20, max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.text(alphabet=st.sampled_from("\ud800\udfff\x00\x1b\x7f[]{}9"))
    | st.sampled_from(["", "9" * 5000, "2026-05-01", "300.00", "material", "claimed"])
)
JUNK = st.recursive(
    JUNK_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
FIELD_JUNK = st.sampled_from(CLASSES).flatmap(
    lambda cls: st.tuples(
        st.just(cls),
        st.fixed_dictionaries({}, optional=dict.fromkeys([f.name for f in attrs.fields(cls)], JUNK)),
    )
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(CLASSES), JUNK)
def test_structure_of_any_junk_raises_only_invalid_input(cls: type, junk: Any) -> None:
    try:
        structure(junk, cls)
    except InvalidInput as error:
        str(error).encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(FIELD_JUNK)
def test_structure_of_junk_fields_raises_only_invalid_input(case: tuple[type, dict[str, Any]]) -> None:
    cls, data = case
    try:
        structure(data, cls)
    except InvalidInput as error:
        str(error).encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(st.text() | st.binary())
def test_from_json_of_any_text_raises_only_invalid_input(text: str | bytes) -> None:
    try:
        from_json(Wish, text)
    except InvalidInput as error:
        str(error).encode("utf-8")


def test_a_good_wish_still_round_trips() -> None:
    assert from_json(Wish, ser.to_json(TWO_CLAIMS)) == TWO_CLAIMS
