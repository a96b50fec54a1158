"""The pandas peer against the library on years the synthetic generator does not make: member by
member (``bench_core.agree``) on ``--years`` small synthetic years (600 members, seeds 0, 1, …) where
5% of the records are moved to a random day of the year (off their activity's date: misdated), 5% are
reversed (misdated originals reversed included) and a tenth of the activities and of the pairings are
left out of both inputs (records judged by their own fields).

Run: ``.venv/bin/python bench/check_pandas_peer.py [--years 4]`` (a few seconds a year).
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from datetime import date, timedelta

import attrs
from bench_core import YEAR, agree
from peers import pandas_peer

import volunteer_core as vc
from volunteer_core.synthetic import SyntheticYear, generate_year


def disturbed(
    seed: int,
) -> tuple[SyntheticYear, list[vc.ServiceRecord], list[vc.Activity], list[vc.Pairing]]:
    rng = random.Random(seed)
    world = generate_year(YEAR, members=600, branches=12, seed=seed)
    records = []
    for i, record in enumerate(world.records()):
        plain = record.adjusts is None and record.reverses is None
        if plain and rng.random() < 0.05:
            day = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
            record = attrs.evolve(record, on=day, recorded_on=max(day, record.recorded_on))
        records.append(record)
        if plain and record.status is vc.RecordStatus.CONFIRMED and rng.random() < 0.05:
            records.append(record.reversal(id=f"reversal-{i}", recorded_on=record.recorded_on))
    activities = [a for a in world.activities if rng.random() > 0.1]
    pairings = [p for p in world.pairings if rng.random() > 0.1]
    return world, records, activities, pairings


def judged(
    seed: int,
) -> tuple[SyntheticYear, list[vc.ServiceRecord], list[vc.Activity], list[vc.Pairing], vc.YearReport]:
    """The disturbed year of ``seed`` (:func:`disturbed`) and the library's report of it: what every peer
    is checked against."""
    world, records, activities, pairings = disturbed(seed)
    report = vc.evaluate_year(
        YEAR,
        members=world.members,
        records=records,
        teams=world.teams,
        activities=activities,
        pairings=pairings,
        plans=world.plans,
        reports=world.reports,
    )
    return world, records, activities, pairings, report


def check(seed: int) -> dict[str, int]:
    world, records, activities, pairings, report = judged(seed)
    frame = pandas_peer.evaluate(
        pandas_peer.members_frame(world.members, YEAR),
        pandas_peer.records_frame(records),
        YEAR,
        activities=pandas_peer.activities_frame(activities),
        activity_branches=pandas_peer.activity_branches_frame(activities),
        pairings=pandas_peer.pairings_frame(pairings),
        pairing_branches=pandas_peer.pairing_branches_frame(pairings),
    )
    agree(report, frame)
    return {
        "records": len(records),
        "misdated": int(frame["misdated"].sum()),
        "months_missing": int(frame["months_missing"].sum()),
        "part_year": int((frame["required_minutes"] < 1200).sum()),
        "compliant": int(frame["compliant"].sum()),
    }


def run(check_one: Callable[[int], dict[str, int]], description: str | None) -> None:
    """Check the peer ``check_one`` on ``--years`` disturbed years (seeds 0, 1, …), printing each."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--years", type=int, default=4)
    args = parser.parse_args()
    for seed in range(args.years):
        print(f"seed {seed}: agree member by member {check_one(seed)}", flush=True)


def main() -> None:
    run(check, __doc__)


if __name__ == "__main__":
    main()
