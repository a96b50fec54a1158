"""JSON for every entity: one cattrs converter of our own, strict structuring and JSON Schemas.

Dates are ISO strings (``"2026-05-01"``), money (:class:`~volunteer_core.Yuan`) a string with two
decimals (``"300.00"``), enums their value, sets sorted lists, tuples lists, and a
:class:`~volunteer_core.DateRange` an object ``{"start": ..., "end": ...}``. Structuring refuses unknown
keys, missing required keys, values of the wrong JSON type (a float for money, a number for a string)
and anything the entity's own constructor refuses; every failure is one
:class:`~volunteer_core.errors.InvalidInput` whose ``.path`` names the field (``claims[1].pledged``).
Nothing else escapes :func:`structure`, :func:`from_json` or :func:`parse_json`, whatever the input: JSON
text nested deeper than :data:`MAX_JSON_DEPTH`, a number longer than :data:`MAX_JSON_NUMBER_LENGTH`
characters and a key repeated in one object are refused before anything is built, and the value an error
carries is safe to print (long text cut short, control characters escaped).

The converter follows cattrs' ``preconf/json.py``: :func:`configure_converter` is the reusable part,
:func:`make_converter` builds one, :data:`converter` is the module's own. The global cattrs converter
is never touched.

>>> from datetime import date
>>> from volunteer_core import Wish
>>> wish = Wish(id="w1", beneficiary_id="p1", kind="material", content="一台电饭煲",
...             collected_on=date(2026, 5, 1), value="300")
>>> text = to_json(wish)
>>> text[:60]
'{"id":"w1","beneficiary_id":"p1","kind":"material","content"'
>>> '"value":"300.00"' in text
True
>>> from_json(Wish, text) == wish
True
>>> from_json(Wish, text.replace('"300.00"', '300.5'))
Traceback (most recent call last):
...
volunteer_core.errors.InvalidInput: input.type @ value: ...

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from volunteer_core.serialization._converter import (
    configure_converter,
    converter,
    make_converter,
    structure,
    unstructure,
)
from volunteer_core.serialization._json_text import (
    MAX_JSON_DEPTH,
    MAX_JSON_NUMBER_LENGTH,
    from_json,
    parse_json,
    to_json,
)
from volunteer_core.serialization._report import year_report_json
from volunteer_core.serialization._schema import YUAN_PATTERN, json_schema, json_schemas

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_JSON_NUMBER_LENGTH",
    "YUAN_PATTERN",
    "configure_converter",
    "converter",
    "from_json",
    "json_schema",
    "json_schemas",
    "make_converter",
    "parse_json",
    "structure",
    "to_json",
    "unstructure",
    "year_report_json",
]
