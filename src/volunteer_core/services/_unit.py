"""The unit of work of every use-case: one transaction, one commit, retried on a lost race.

Private to :mod:`volunteer_core.services`; its siblings import these helpers (names without an
underscore: the module itself is the private part).

>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> transaction(InMemoryUnitOfWork(), lambda: "done", DEFAULT_RETRIES)
'done'
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from volunteer_core.errors import ConcurrencyConflict, InvalidInput
from volunteer_core.ports import UnitOfWork

__all__ = ["DEFAULT_RETRIES", "cached", "new_id", "today", "transaction"]

R = TypeVar("R")
K = TypeVar("K")
V = TypeVar("V")
DEFAULT_RETRIES = 8


def today() -> date:
    """Today in China (UTC+8): the default entry date of ledger records."""
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def new_id(prefix: str) -> str:
    """A fresh id ``prefix-<32 hex digits>`` for an entry the use-case creates."""
    return f"{prefix}-{uuid.uuid4().hex}"


def transaction(uow: UnitOfWork, work: Callable[[], R], retries: int) -> R:
    """Run ``work`` in one transaction, committing once; retry on ConcurrencyConflict."""
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InvalidInput(
            "retries", retries, message_en="must be an integer ≥ 0", message_zh="须为不小于0的整数"
        )
    attempt = 0
    while True:
        try:
            with uow:
                result = work()
                uow.commit()
                return result
        except (ConcurrencyConflict, InvalidInput) as err:
            # an idempotency key stored meanwhile by a concurrent call is a lost race, not bad input:
            # the retry finds the first record and returns it
            if isinstance(err, InvalidInput) and (err.code, err.path) != (
                "input.duplicate",
                "idempotency_key",
            ):
                raise
            attempt += 1
            if attempt > retries:
                raise
            time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))


def cached(cache: dict[K, V] | None, key: K, load: Callable[[], V]) -> V:
    """``load()``, kept in ``cache`` (a batch's) under ``key`` and taken from it next time; without a
    cache, ``load()`` every time."""
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]
