"""The fingerprint of an imported 附件1 row: the idempotency key its wish is stored with.

A row is recognised by its **content**, never by where it stands: the fingerprint is
``"wish-row/1:"`` followed by the SHA-256 (hex) of a canonical JSON object of the row's values as read
— not of its row number, 序号, sheet or file name. So the same rows in another file, in another order
or under another title are recognised, and a row that differs in any cell is another row.

The values are the cells as the import reads them: texts stripped, the formula guard removed and put
in Unicode NFC; 性别, 服务对象类别 and 心愿类别 as their codes (``男`` and ``male`` are one value);
年龄 as a number; 心愿价值 in fen (``300元``, ``¥300`` and ``三百元`` are one value); 征集日期 as an ISO
date; the ID number as the model normalises it (spaces removed, a final ``x`` upper-cased). The
所在社区（村） is the one the row's beneficiary gets (the cell, else ``community=``: the same row in
another community is another person). A blank 征集日期 stays blank: the date ``collected_on=`` fills
in is not part of the fingerprint, so a file imported again on another day is still recognised. A
blank 心愿类别 stays blank too (its default follows from the value anyway).

The ``/1`` is the version of this recipe: a change to it gets a new prefix, never new meanings of an
old one.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from datetime import date
from enum import Enum

from volunteer_core.money import Yuan

__all__ = ["PREFIX", "fingerprint"]

#: What every fingerprint of this recipe starts with.
PREFIX = "wish-row/1:"

Value = str | int | date | Enum | Yuan | None


def _canonical(value: Value) -> str | int | None:
    """One value in the form the fingerprint hashes."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Yuan):
        return value.fen
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return value
    return unicodedata.normalize("NFC", value.strip())


def fingerprint(values: Mapping[str, Value]) -> str:
    """The fingerprint of a row given its values by field name (``name``, ``content``, ``value`` …).

    Equal values give equal fingerprints whatever the order of the fields; NFC and NFD spellings of
    one text are one value; any other difference is another fingerprint.

    >>> a = fingerprint({"name": "赵大爷", "value": Yuan(200), "collected_on": None})
    >>> a.startswith(PREFIX), len(a) == len(PREFIX) + 64
    (True, True)
    >>> a == fingerprint({"collected_on": None, "value": Yuan("200.00"), "name": " 赵大爷 "})
    True
    >>> a == fingerprint({"name": "赵大爷", "value": Yuan(201), "collected_on": None})
    False
    """
    canonical = {field: _canonical(value) for field, value in values.items()}
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()
