"""Pause CPython's cyclic garbage collector while a use-case builds a large, acyclic object graph.

Why: up to CPython 3.13 the collector runs a *full* collection each time the objects that survived
the last one grow by a quarter, and each full collection walks every tracked object of the process.
Evaluating a stored year builds hundreds of thousands of long-lived objects (members, totals, member
years, violations) — ``services.evaluate_year`` on 100,000 stored members ran about ten full
collections, 25-35% of its time (``bench/bench_sql.py``, docs/performance.md) — although none of them
holds a reference cycle. Reference counting frees memory as usual while the collector is paused; only
cyclic garbage waits until the pause ends.

The collector is left as it was found: it is not re-enabled when the caller had disabled it, and
overlapping pauses (threads) re-enable it only when the last one ends.

>>> import gc
>>> was = gc.isenabled()
>>> with paused_collector():
...     gc.isenabled()
False
>>> gc.isenabled() == was
True
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_collector"]

_lock = threading.Lock()
_pauses = 0  # pauses in progress, in every thread
_resume = False  # whether the collector was enabled when the first of them began


@contextmanager
def paused_collector() -> Iterator[None]:
    """Disable the cyclic collector for the ``with`` block; restore it after the last overlapping
    block ends (also on an exception)."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
