"""Shared helpers of the strategies tests: rebuilding an entity, rule codes, an independent GB 11643
check digit, and settings for find()."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from hypothesis import Phase, settings

import volunteer_core as vc

#: For find(): the first example found, unshrunk (shrinking a whole dataset takes minutes).
FIRST_FOUND = settings(max_examples=500, database=None, phases=[Phase.generate])


def gb11643_check_digit(body: str) -> str:
    """ISO 7064 MOD 11-2, computed independently of stdnum."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return "10X98765432"[total % 11]


def rebuilt(entity: Any) -> Any:
    """Construct the entity again (every validator runs once more) and return the copy."""
    return attrs.evolve(entity)


def codes(violations: Iterable[vc.Violation]) -> list[str]:
    """The rule codes of ``violations``, in order."""
    return [v.code for v in violations]
