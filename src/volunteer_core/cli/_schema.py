"""``volunteer-core schema``: the JSON Schemas of the entities, for systems not written in Python.

>>> import argparse, contextlib, io, json
>>> out = io.StringIO()
>>> with contextlib.redirect_stdout(out):
...     code = run(argparse.Namespace(entity="wish", out=None, lang="en"))
>>> code
0
>>> json.loads(out.getvalue())["title"]
'Wish'
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from volunteer_core.cli._common import EXIT_OK, UsageError, output_language, say

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Print one entity's schema (``ENTITY``, any case) or all of them, or write one file per entity to
    ``--out``."""
    from volunteer_core.serialization import json_schemas

    lang = output_language(args)
    schemas = json_schemas()
    if args.entity is not None:
        by_name = {name.lower(): name for name in schemas}
        name = by_name.get(args.entity.lower().replace("_", ""))
        if name is None:
            names = ", ".join(schemas)
            raise UsageError(
                f"未知实体“{args.entity}”，可选：{names}", f"unknown entity {args.entity!r}; one of {names}"
            )
        schemas = {name: schemas[name]}
    if args.out is None:
        body: Any = next(iter(schemas.values())) if args.entity is not None else schemas
        sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas.items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        sys.stdout.write(say(lang, f"已写入 {path}\n", f"written {path}\n"))
    return EXIT_OK
