"""Tests of the volunteer_core.privacy package: the api.md examples and junk fed to every function."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import privacy
from volunteer_core.errors import InvalidInput, InvalidType
from volunteer_core.privacy import (
    address,
    credit_code,
    id_number,
    id_number_birth_date,
    id_number_gender,
    is_mobile,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    name,
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    normalize_phone,
    personal,
    phone,
)

JUNK: list[object] = [None, "", 0, "⑱", "   ", 1.5, b"139", [], "\x00", "X" * 500, "１３９", "-", "+86"]

MASKS: list[Callable[[str], object]] = [mask_id_number, mask_phone, mask_name, mask_address]
PARSERS: list[Callable[[str], object]] = [
    normalize_mobile,
    normalize_phone,
    normalize_id_number,
    id_number_birth_date,
    id_number_gender,
    normalize_credit_code,
]


# ---------------------------------------------------------------------------------------------------------
# examples of domain.md / api.md


def test_domain_examples() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13912344859") == "139****4859"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳修") == "欧**"


# ---------------------------------------------------------------------------------------------------------
# robustness (after python-stdnum's test_robustness.doctest)


@pytest.mark.parametrize("func", [*MASKS, *PARSERS], ids=lambda f: f.__name__)
@pytest.mark.parametrize("junk", JUNK, ids=repr)
def test_robustness(func: Callable[[object], object], junk: object) -> None:
    with contextlib.suppress(InvalidInput):
        func(junk)


@pytest.mark.parametrize("func", [*MASKS, *PARSERS], ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "junk", [None, 11010519491231002, 1.5, b"139", ["13912344859"], object()], ids=lambda j: type(j).__name__
)
def test_non_str_is_an_invalid_type(func: Callable[[object], object], junk: object) -> None:
    with pytest.raises(InvalidType) as caught:  # an InvalidInput and a TypeError
        func(junk)
    assert caught.value.code == "input.type"
    assert func.__name__ in caught.value.message_en
    assert "1101051949" not in str(caught.value)
    assert "13912344859" not in str(caught.value)


@pytest.mark.parametrize("func", PARSERS, ids=lambda f: f.__name__)
def test_a_10_mb_value_is_refused_in_a_short_message(func: Callable[[object], object]) -> None:
    with pytest.raises(InvalidInput) as caught:
        func("1" * 10_000_000)
    assert len(str(caught.value)) < 1000


@given(st.text())
def test_masks_never_raise_on_text(text: str) -> None:
    for mask in MASKS:
        assert isinstance(mask(text), str)


@given(st.text())
def test_parsers_raise_only_invalid_input_on_text(text: str) -> None:
    for parser in PARSERS:
        with contextlib.suppress(InvalidInput):
            parser(text)
    assert isinstance(is_mobile(text), bool)


PREDICATES: list[Callable[[object], bool]] = [
    is_mobile,
    id_number.is_valid,
    credit_code.is_valid,
    phone.is_valid,
]


@pytest.mark.parametrize("predicate", PREDICATES, ids=lambda f: f"{f.__module__}.{f.__name__}")
@pytest.mark.parametrize("junk", JUNK, ids=repr)
def test_predicates_never_raise(predicate: Callable[[object], bool], junk: object) -> None:
    assert predicate(junk) in (True, False)


# ---------------------------------------------------------------------------------------------------------
# the package face


def test_every_name_comes_from_its_identifier_module() -> None:
    modules = (address, credit_code, id_number, name, personal, phone)
    for exported in privacy.__all__:
        owners = [module for module in modules if exported in module.__all__]
        assert len(owners) == 1, exported
        assert getattr(privacy, exported) is getattr(owners[0], exported)
