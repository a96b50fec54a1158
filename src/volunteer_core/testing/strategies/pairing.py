"""Strategies for pairings (结对): single pairings, duplicate-free lists and rule-breaking duplicates.

>>> from hypothesis import find
>>> find(pairings(target_ids="u-1"), lambda p: True).target_id
'u-1'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from hypothesis import strategies as st

from volunteer_core.calendar.dates import DateRange
from volunteer_core.model import Pairing, PairingMode
from volunteer_core.testing.strategies._common import check_bounds, choice, days
from volunteer_core.testing.strategies.values import DATE_MAX, DATE_MIN, date_ranges, ids

__all__ = ["duplicate_pairings", "pairing_lists", "pairings"]


def _modes(
    mode: PairingMode | Iterable[PairingMode] | None, branch_pool: Sequence[str] | None
) -> list[PairingMode]:
    wanted = list(PairingMode) if mode is None else [mode] if isinstance(mode, PairingMode) else list(mode)
    if branch_pool is not None and len(set(branch_pool)) < 2:
        allowed: list[PairingMode] = [m for m in wanted if m is not PairingMode.JOINT_BRANCHES]
        if not allowed:
            raise ValueError("JOINT_BRANCHES needs at least two distinct branch_ids")
        return allowed
    if not wanted:
        raise ValueError("mode must not be empty")
    return wanted


@st.composite
def _pairing_parts(
    draw: st.DrawFn,
    modes: Sequence[PairingMode],
    branch_pool: Sequence[str] | None,
    member_pool: Sequence[str] | None,
) -> tuple[PairingMode, frozenset[str], frozenset[str]]:
    mode = draw(st.sampled_from(modes))
    if mode is PairingMode.SOLO:
        size_lo, size_hi = 1, 1
    elif mode is PairingMode.JOINT_BRANCHES:
        size_lo, size_hi = 2, 3
    else:
        size_lo, size_hi = 1, 3
    if branch_pool is None:
        chosen = draw(st.lists(ids("b"), min_size=size_lo, max_size=size_hi, unique=True))
    else:
        pool = sorted(set(branch_pool))
        chosen = draw(
            st.lists(st.sampled_from(pool), min_size=size_lo, max_size=min(size_hi, len(pool)), unique=True)
        )
    if member_pool is None:
        people = draw(st.lists(ids("m"), max_size=3, unique=True))
    elif member_pool:
        people = draw(st.lists(st.sampled_from(sorted(set(member_pool))), max_size=3, unique=True))
    else:
        people = []
    return mode, frozenset(chosen), frozenset(people)


def pairings(
    *,
    id: str | Sequence[str] | None = None,
    target_ids: str | Sequence[str] | None = None,
    branch_ids: Sequence[str] | None = None,
    member_ids: Sequence[str] | None = None,
    mode: PairingMode | Iterable[PairingMode] | None = None,
    min_start: date = DATE_MIN,
    max_start: date = DATE_MAX,
    open_end: bool | None = None,
) -> st.SearchStrategy[Pairing]:
    """One pairing (结对): SOLO with one branch, JOINT_BRANCHES with two or three, JOINT_DEPARTMENT with
    one to three, drawn from ``branch_ids`` when given; members from ``member_ids``; the target from
    ``target_ids``. For lists without duplicates use :func:`pairing_lists`.

    >>> from hypothesis import find
    >>> p = find(pairings(target_ids=["u-1"], branch_ids=["b-1", "b-2"], mode=PairingMode.JOINT_BRANCHES),
    ...          lambda p: True)
    >>> p.target_id, sorted(p.branch_ids)
    ('u-1', ['b-1', 'b-2'])
    """
    modes = _modes(mode, branch_ids)
    periods = date_ranges(min_start, max_start, open_end)
    return _pairing(
        choice("id", id, ids("pr")),
        choice("target_ids", target_ids, ids("u")),
        _pairing_parts(modes, branch_ids, member_ids),
        periods,
    )


@st.composite
def _pairing(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    targets: st.SearchStrategy[str],
    parts: st.SearchStrategy[tuple[PairingMode, frozenset[str], frozenset[str]]],
    periods: st.SearchStrategy[DateRange],
) -> Pairing:
    mode, branch_set, member_set = draw(parts)
    return Pairing(
        id=draw(id_strategy),
        branch_ids=branch_set,
        target_id=draw(targets),
        mode=mode,
        period=draw(periods),
        member_ids=member_set,
        measures=draw(st.sampled_from(("", "定期走访慰问", "捐资助学", "节日慰问", "上门服务"))),
    )


def pairing_lists(
    *,
    target_ids: str | Sequence[str] | None = None,
    branch_ids: Sequence[str] | None = None,
    member_ids: Sequence[str] | None = None,
    mode: PairingMode | Iterable[PairingMode] | None = None,
    min_start: date = DATE_MIN,
    max_start: date = DATE_MAX,
    open_end: bool | None = None,
    min_size: int = 0,
    max_size: int = 5,
    id_prefix: str = "pr",
) -> st.SearchStrategy[list[Pairing]]:
    """Lists of pairings with unique ids (``pr-1``, ``pr-2``, …) and **no duplicate**: the periods of the
    pairings of one target never overlap (only the last of a target may be open-ended).

    >>> from hypothesis import find
    >>> from volunteer_core import find_duplicate_pairings
    >>> found = find(pairing_lists(target_ids=["u-1"], min_size=3), lambda ps: True)
    >>> len(found), find_duplicate_pairings(found)
    (3, [])
    """
    if not 0 <= min_size <= max_size:
        raise ValueError(f"need 0 <= min_size <= max_size, got {min_size}, {max_size}")
    check_bounds(min_start, max_start, "min_start", "max_start")
    if (max_start - min_start).days + 1 < max_size:
        raise ValueError("the start window must hold at least max_size days")
    return _pairing_list(
        choice("target_ids", target_ids, ids("u")),
        _pairing_parts(_modes(mode, branch_ids), branch_ids, member_ids),
        min_start,
        max_start,
        open_end,
        min_size,
        max_size,
        id_prefix,
    )


@st.composite
def _pairing_list(
    draw: st.DrawFn,
    targets: st.SearchStrategy[str],
    parts: st.SearchStrategy[tuple[PairingMode, frozenset[str], frozenset[str]]],
    min_start: date,
    max_start: date,
    open_end: bool | None,
    min_size: int,
    max_size: int,
    id_prefix: str,
) -> list[Pairing]:
    size = draw(st.integers(min_size, max_size))
    chosen = [draw(targets) for _ in range(size)]
    by_target = Counter(chosen)
    result: list[Pairing] = []
    for target, count in by_target.items():
        starts = sorted(
            draw(st.lists(st.dates(min_start, max_start), min_size=count, max_size=count, unique=True))
        )
        for index, start in enumerate(starts):
            last = index == len(starts) - 1
            if last:
                is_open = draw(st.booleans()) if open_end is None else open_end
                end = None if is_open else start + days(draw(st.integers(0, 3 * 366)))
            else:
                end = draw(st.dates(start, starts[index + 1] - days(1)))
            mode, branch_set, member_set = draw(parts)
            result.append(
                Pairing(
                    id=f"{id_prefix}-{len(result) + 1}",
                    branch_ids=branch_set,
                    target_id=target,
                    mode=mode,
                    period=DateRange(start, end),
                    member_ids=member_set,
                )
            )
    return draw(st.permutations(result))


def duplicate_pairings(
    *,
    target_ids: str | Sequence[str] | None = None,
    branch_ids: Sequence[str] | None = None,
    member_ids: Sequence[str] | None = None,
    max_size: int = 5,
    id_prefix: str = "pr",
) -> st.SearchStrategy[list[Pairing]]:
    """Rule-breaking lists of pairings (``pairing.duplicate``): a duplicate-free list plus one pairing
    whose period overlaps (closed intervals, the same day counts) that of another pairing of its target.

    >>> from hypothesis import find
    >>> from volunteer_core import find_duplicate_pairings
    >>> [v.code for v in find_duplicate_pairings(find(duplicate_pairings(), lambda ps: True))]
    ['pairing.duplicate']
    """
    if max_size < 1:
        raise ValueError("max_size must be >= 1")
    base = pairing_lists(
        target_ids=target_ids,
        branch_ids=branch_ids,
        member_ids=member_ids,
        min_size=1,
        max_size=max_size,
        id_prefix=id_prefix,
    )
    return _duplicated(base, _pairing_parts(_modes(None, branch_ids), branch_ids, member_ids), id_prefix)


@st.composite
def _duplicated(
    draw: st.DrawFn,
    base: st.SearchStrategy[list[Pairing]],
    parts: st.SearchStrategy[tuple[PairingMode, frozenset[str], frozenset[str]]],
    id_prefix: str,
) -> list[Pairing]:
    existing = draw(base)
    original = draw(st.sampled_from(existing))
    first, last = original.period.start, original.period.end
    latest = last if last is not None else first + days(366)
    earliest = first if first <= DATE_MIN else max(DATE_MIN, first - days(366))
    start = draw(st.dates(earliest, latest))
    reach = max(start, first)  # an end on or after the original's start keeps the overlap
    end = None if draw(st.booleans()) else draw(st.dates(reach, reach + days(366)))
    mode, branch_set, member_set = draw(parts)
    duplicate = Pairing(
        id=f"{id_prefix}-{len(existing) + 1}",
        branch_ids=branch_set,
        target_id=original.target_id,
        mode=mode,
        period=DateRange(start, end),
        member_ids=member_set,
    )
    assert duplicate.period.overlaps(original.period)
    return draw(st.permutations([*existing, duplicate]))
