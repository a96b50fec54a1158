"""What every benchmark shares: a median timer, a printed table, a JSON file with the machine it ran on.

The benchmarks are scripts (``python bench/bench_core.py``), so this module is imported as ``_common``
from the ``bench/`` directory, which Python puts first on ``sys.path`` when it runs a script there.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
#: the environment variable naming one run of several benchmarks (``make bench`` sets it): written into
#: every results file, so that ``bench/summary.py`` tells this run's files from a stale one
RUN_ID_VARIABLE = "BENCH_RUN_ID"


def median_seconds(func: Callable[[], object], runs: int) -> float:
    """The median wall time of ``runs`` calls of ``func`` (``time.perf_counter``), in seconds.

    A full garbage collection runs before each call (not timed), so every run starts from the same heap.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, not {runs}")
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(funcs: Mapping[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """The median wall time of ``runs`` calls of each function, the calls taken in turns (a, b, c, a, b,
    c, …) so that a slow spell of a shared machine falls on every function alike — what a ratio of two
    of them needs. A full garbage collection runs before each call (not timed)."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, not {runs}")
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for _ in range(runs):
        for name, func in funcs.items():
            gc.collect()
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        if abs(value) >= 0.01:
            return f"{value:.3f}"
        return f"{value:.2g}"
    if value is None:
        return "—"
    return str(value)


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object] | Mapping[str, object]],
) -> None:
    """Print ``rows`` under ``title`` as a Markdown table (so it pastes into docs/performance.md).

    A row is a sequence (one value per column) or a mapping (the value of each column by its name).
    """
    cells = [[_cell(value) for value in _values(columns, row)] for row in rows]
    widths = [max([len(col), *(len(r[i]) for r in cells)]) for i, col in enumerate(columns)]
    print(f"\n{title}\n")
    print("| " + " | ".join(col.ljust(w) for col, w in zip(columns, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    for r in cells:
        print("| " + " | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) + " |")
    print(flush=True)


def _values(columns: Sequence[str], row: Sequence[object] | Mapping[str, object]) -> list[object]:
    if isinstance(row, Mapping):
        return [row.get(col) for col in columns]
    if len(row) != len(columns):
        raise ValueError(f"a row has {len(row)} values for {len(columns)} columns: {row!r}")
    return list(row)


def machine() -> dict[str, Any]:
    """The machine and software a result was measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "commit": commit or None,
    }


def write_json(name: str, payload: Mapping[str, Any]) -> Path:
    """Write ``payload`` with the date, the machine and the run id (``$BENCH_RUN_ID``, ``None`` when unset)
    to ``bench/results/<name>.json``; return the path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": os.environ.get(RUN_ID_VARIABLE) or None,
        **payload,
        "machine": {**machine(), **payload.get("machine", {})},  # a benchmark may add to it
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"results written to {path}")
    return path


@contextlib.contextmanager
def fresh_storage(kind: str, *, durable: bool = False) -> Iterator[str]:
    """The URL of a fresh, empty storage with the schema, removed afterwards: ``sqlite`` — a file in a
    temporary directory; ``postgresql`` — a throwaway server
    (``volunteer_core.testing.postgres.temporary_postgres(durable=durable)``)."""
    from volunteer_core.storage.sql import create_schema
    from volunteer_core.testing.postgres import temporary_postgres

    if kind == "sqlite":
        directory = tempfile.mkdtemp(prefix="volunteer-bench-")
        try:
            url = f"sqlite:///{os.path.join(directory, 'volunteer.db')}"
            create_schema(url).dispose()
            yield url
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    if kind != "postgresql":
        raise ValueError(f"unknown storage {kind!r}: sqlite or postgresql")
    with temporary_postgres(durable=durable) as url:
        create_schema(url).dispose()
        yield url
