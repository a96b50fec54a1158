"""The project's import-linter contract type: no module reaches a private name of another module."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.import_contracts import _violations  # noqa: E402


def _found(tmp_path: Path, importer: str, source: str, modules: set[str] | None = None) -> list[str]:
    path = tmp_path / "module.py"
    path.write_text(source, encoding="utf-8")
    return [reached for _, reached in _violations(importer, path, modules or set())]


@pytest.mark.parametrize(
    ("importer", "source", "expected"),
    [
        # a private module of another package, three ways
        ("pkg.cli", "from pkg.forms._export import run\n", ["pkg.forms._export"]),
        ("pkg.cli", "import pkg.forms._export\n", ["pkg.forms._export"]),
        ("pkg.cli", "from pkg.forms import _export\n", ["pkg.forms._export"]),
        # a private name of another module, imported or reached through the module
        ("pkg.storage.sql._uow", "from pkg.compliance import _check_year\n", ["pkg.compliance._check_year"]),
        (
            "pkg.storage",
            "from pkg import compliance\ncompliance._check_year(1)\n",
            ["pkg.compliance._check_year"],
        ),
        # inside the owner's subtree: allowed
        ("pkg.storage.sql._uow", "from pkg.storage.sql._mapping import SPECS\n", []),
        ("pkg.model.wish", "from pkg import _catalogue\n", []),
        ("pkg.model.wish", "from pkg.model import _fields as f\n", []),
        # dunders are not private
        ("pkg.cli", "from pkg import __version__\n", []),
        # relative imports resolve against the importer
        ("pkg.cli.main", "from ..forms._export import run\n", ["pkg.forms._export"]),
        # an attribute chain from `import a.b`, getattr with a constant, import_module with a constant
        ("pkg.cli", "import pkg.forms\npkg.forms._export.run()\n", ["pkg.forms._export"]),
        ("pkg.cli", "from pkg import forms\ngetattr(forms, '_export')\n", ["pkg.forms._export"]),
        (
            "pkg.cli",
            "import importlib\nimportlib.import_module('pkg.forms._export')\n",
            ["pkg.forms._export"],
        ),
        # not a module: a private attribute of one's own objects is no reach
        ("pkg.cli", "class A:\n    def f(self):\n        return self._x\n", []),
    ],
)
def test_private_reach(tmp_path: Path, importer: str, source: str, expected: list[str]) -> None:
    assert _found(tmp_path, importer, source, {"pkg.compliance", "pkg.forms"}) == expected


def test_the_test_kit_contract_lists_every_shipped_module() -> None:
    """The forbidden contract that keeps volunteer_core.testing out of shipped code names every top-level
    module of the package but the test kit — a new module cannot slip past it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}
    listed = set(contracts["shipped-without-test-kit"]["source_modules"])
    package = ROOT / "src" / "volunteer_core"
    shipped = {
        f"volunteer_core.{p.stem if p.is_file() else p.name}"
        for p in package.iterdir()
        if (p.suffix == ".py" and p.stem not in ("__init__", "__main__", "_version"))
        or (p.is_dir() and (p / "__init__.py").exists())
    } - {"volunteer_core.testing"}
    assert listed == shipped
