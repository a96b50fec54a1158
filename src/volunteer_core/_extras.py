"""Which extra of ``volunteer-core`` installs each optional dependency — the one table the command line
and the demo consult to say ``pip install 'volunteer-core[sql]'`` instead of ``No module named
'sqlalchemy'`` (the extras themselves are declared in pyproject.toml).

>>> install_hint("sql")
"pip install 'volunteer-core[sql]'"
>>> missing_extra(ModuleNotFoundError("No module named 'sqlalchemy'", name="sqlalchemy"))
('sqlalchemy', 'sql')
"""

from __future__ import annotations

import importlib
import re

__all__ = ["EXTRAS", "install_hint", "missing", "missing_extra"]

#: Each optional dependency (its top-level import name) and the extra that installs it. The CJK font
#: (``pylopdf_fonts_zh_cn``) belongs to both ``pdf`` and ``plot``: the code that needs it names the
#: extra in its own ImportError, which :func:`missing_extra` reads first.
EXTRAS: dict[str, str] = {
    "sqlalchemy": "sql",
    "psycopg": "sql",
    "openpyxl": "xlsx",
    "reportlab": "pdf",
    "fontTools": "pdf",
    "matplotlib": "plot",
    "pandas": "pandas",
    "gmssl": "sm3",
    "litestar": "http",
    "uvicorn": "http",
}

# what the library's own ImportErrors say: "… pip install 'volunteer-core[plot]' …"
_NAMED = re.compile(r"volunteer-core\[(\w+)\]")


def install_hint(extra: str) -> str:
    """The command that installs ``extra``."""
    return f"pip install 'volunteer-core[{extra}]'"


def missing_extra(err: BaseException) -> tuple[str | None, str] | None:
    """``(module, extra)`` for an ImportError of an optional dependency — the extra its message names
    (the library's own ImportErrors name it), else the extra of the missing module found along its
    causes (``module`` None when no module is named) — or None when it is none of the extras' (an
    error of the library itself).

    >>> missing_extra(ImportError("PDF certificates need reportlab: pip install 'volunteer-core[pdf]'"))
    (None, 'pdf')
    >>> missing_extra(ModuleNotFoundError("No module named 'volunteer_core.nope'", name="volunteer_core.nope"))
    """
    module: str | None = None
    named: str | None = None
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ImportError):
            top = (current.name or "").split(".")[0]
            if module is None and top in EXTRAS:
                module = top
            found = _NAMED.search(str(current))
            if named is None and found is not None:
                named = found.group(1)
        current = current.__cause__ or current.__context__
    if named is not None:
        return module, named
    return (module, EXTRAS[module]) if module is not None else None


def missing(*modules: str) -> tuple[str, str] | None:
    """``(module, extra)`` for the first of ``modules`` (keys of :data:`EXTRAS`) that cannot be
    imported, else None.

    >>> missing("sqlalchemy", "openpyxl")
    """
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            return module, EXTRAS[module]
    return None
