"""Run one page's Python blocks, in order, in this interpreter: ``python run_blocks.py BLOCKS.json``.

BLOCKS.json holds ``{"page": …, "blocks": [{"number": …, "line": …, "text": …, "file": …}, …]}``. Every
block runs in one namespace, as a reader pasting them one after the other into one interpreter started in
the working directory would (so its modules import). A block that begins with ``>>>`` is a doctest: its
printed outputs are compared too. A block with a ``file`` (a page showing a whole file) is first written
to that path under the working directory. The first failure is written to stderr as
``FAILED <page>, block <n> (line <l>)`` with its traceback, and the exit code is 1.
"""

from __future__ import annotations

import doctest
import json
import linecache
import sys
import traceback
from pathlib import Path
from typing import Any


def _fail(where: str, detail: str) -> int:
    sys.stdout.flush()
    sys.stderr.write(f"FAILED {where}\n{detail}")
    return 1


def main(path: str) -> int:
    """Run the blocks of the file at ``path``; 0 when every block ran, else 1."""
    page = json.loads(Path(path).read_text(encoding="utf-8"))
    namespace: dict[str, Any] = {"__name__": "__main__"}
    sys.path.insert(0, str(Path.cwd()))
    for block in page["blocks"]:
        where = f"{page['page']}, block {block['number']} (line {block['line']})"
        text: str = block["text"]
        if block.get("file"):
            target = Path(block["file"])
            if target.is_absolute() or ".." in target.parts:
                return _fail(
                    where, f"a block's file must be a relative path inside the page's work: {target}\n"
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        # the tracebacks show the block's own lines
        linecache.cache[where] = (len(text), None, text.splitlines(keepends=True), where)
        if text.lstrip().startswith(">>>"):
            test = doctest.DocTestParser().get_doctest(text, namespace, where, page["page"], block["line"])
            report: list[str] = []
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
            runner.run(test, out=report.append, clear_globs=False)
            if runner.failures:
                return _fail(where, "".join(report))
            continue
        try:
            exec(compile(text, where, "exec"), namespace)
        except BaseException:
            return _fail(where, traceback.format_exc())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
