"""The DuckDB peer against the library on years the synthetic generator does not make: member by member
(``bench_duckdb.agree``) on ``--years`` small synthetic years — the disturbed years of
``check_pandas_peer.disturbed`` (600 members, seeds 0, 1, …; 5% of the records moved to a random day of the
year, off their activity's date; 5% reversed, misdated originals included; a tenth of the activities and
of the pairings left out of both inputs, so that records are judged by their own fields) — each exported
to Parquet in a temporary directory and queried with DuckDB's default threads and with one thread.

Run: ``.venv/bin/python bench/check_duckdb_peer.py [--years 4]`` (a few seconds a year).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench_core import YEAR
from bench_duckdb import agree
from check_pandas_peer import judged, run
from peers import duckdb_peer


def check(seed: int) -> dict[str, int]:
    world, records, activities, pairings, report = judged(seed)
    with tempfile.TemporaryDirectory(prefix="volunteer-duckdb-check-") as name:
        directory = Path(name)
        duckdb_peer.export(
            directory, members=world.members, records=records, activities=activities, pairings=pairings
        )
        for threads in (None, 1):
            con = duckdb_peer.connect(directory, threads=threads)
            frame = duckdb_peer.member_rules(con, YEAR)
            con.close()
            agree(report, frame)
    return {
        "records": len(records),
        "misdated": int(frame["misdated"].sum()),
        "months_missing": int(frame["months_missing"].map(len).sum()),
        "part_year": int((frame["required_minutes"] < 1200).sum()),
        "branch_activities": int(frame["branch_activities"].sum()),
        "compliant": int(frame["compliant"].sum()),
    }


def main() -> None:
    run(check, __doc__)


if __name__ == "__main__":
    main()
