"""``volunteer-core demo``: build a realistic year, print its compliance summary, write its files into
``--out`` (default :data:`DEFAULT_OUT`, ``./demo-output``): the SQLite database, the forms, a
certificate and the three charts as PNG (:func:`volunteer_core.demo.run`).

>>> import argparse, contextlib, io, tempfile
>>> out = io.StringIO()
>>> with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(out):
...     code = run(argparse.Namespace(members=12, seed=3, out=tmp, year=None))
>>> code
0
>>> "合规汇总" in out.getvalue(), "compliance_by_branch.png" in out.getvalue()
(True, True)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from volunteer_core.cli._common import EXIT_OK

__all__ = ["DEFAULT_OUT", "run"]

#: The directory ``demo`` writes into without ``--out`` (relative to the working directory).
DEFAULT_OUT = "demo-output"


def run(args: argparse.Namespace) -> int:
    """Run :func:`volunteer_core.demo.run` with the command line's options; always :data:`EXIT_OK`."""
    from volunteer_core import demo

    options: dict[str, Any] = {"members": args.members, "seed": args.seed, "out_dir": Path(args.out)}
    if args.year is not None:
        options["year"] = args.year
    demo.run(sys.stdout, **options)
    return EXIT_OK  # the demo year is meant to show violations: it succeeds when it ran
