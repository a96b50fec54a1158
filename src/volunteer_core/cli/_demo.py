"""``volunteer-core demo``: build a realistic year, print its compliance summary, write its files.

>>> import argparse, contextlib, io, tempfile
>>> out = io.StringIO()
>>> with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(out):
...     code = run(argparse.Namespace(members=12, seed=3, out=tmp, year=None))
>>> code
0
>>> "合规汇总" in out.getvalue()
True
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from volunteer_core.cli._common import EXIT_OK

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Run :func:`volunteer_core.demo.run` with the command line's options; always :data:`EXIT_OK`."""
    from volunteer_core import demo

    options: dict[str, Any] = {"members": args.members, "seed": args.seed, "out_dir": Path(args.out)}
    if args.year is not None:
        options["year"] = args.year
    demo.run(sys.stdout, **options)
    return EXIT_OK  # the demo year is meant to show violations: it succeeds when it ran
