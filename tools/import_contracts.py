"""An import-linter contract type of this project: no module reaches a private name of another module.

A name is private when it starts with one underscore (``_check_year``, ``_export``, ``_Registered``);
it belongs to the module or package that defines it (its *owner*). A module may use a private name only
from inside its owner: ``volunteer_core.storage.sql._uow`` may import ``volunteer_core.storage.sql._mapping``
(the private module belongs to the package ``volunteer_core.storage.sql``), anything in ``volunteer_core``
may import the top-level ``volunteer_core._catalogue``, but ``volunteer_core.cli`` may not import
``volunteer_core.forms._export`` and no module outside ``volunteer_core.compliance`` may use
``compliance._check_year``. Checked: ``import a._b``, ``from a import _b``, ``from a._b import c``, and
``alias._b`` where ``alias`` names a module of the package. Imports under ``TYPE_CHECKING`` and inside
functions count.

Used from pyproject.toml (``contract_types``); ``lint-imports`` runs from the project's root, which it puts
on ``sys.path``, so this module imports as ``tools.import_contracts``.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from pathlib import Path

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _inside(importer: str, owner: str) -> bool:
    return importer == owner or importer.startswith(owner + ".")


def _reaches(importer: str, dotted: str) -> Iterator[str]:
    """Each private part of ``dotted`` (a module path or a module path + name) that ``importer`` may not
    use, as ``owner._name``."""
    parts = dotted.split(".")
    for position, part in enumerate(parts):
        if position and _private(part):
            owner = ".".join(parts[:position])
            if not _inside(importer, owner):
                yield f"{owner}.{part}"


def _absolute(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _dotted(node: ast.expr, module_aliases: dict[str, str]) -> str | None:
    """The dotted path a name or an attribute chain (``alias``, ``alias.a.b``) names when it starts at a
    module alias."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in module_aliases:
        return ".".join([module_aliases[node.id], *reversed(parts)])
    return None


def _named_path(node: ast.Attribute | ast.Call, module_aliases: dict[str, str]) -> str | None:
    """The dotted path ``node`` names through a module: ``alias.a.b``, ``getattr(alias, "_x")`` or
    ``import_module("pkg._mod")``; None for anything else."""
    if isinstance(node, ast.Attribute):
        return _dotted(node, module_aliases)
    func, args = node.func, node.args
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    text = args[-1] if args else None
    if not (isinstance(text, ast.Constant) and isinstance(text.value, str)):
        return None
    if name == "import_module" and len(args) == 1:
        return text.value
    if name == "getattr" and len(args) == 2:
        base = _dotted(args[0], module_aliases)
        return None if base is None else f"{base}.{text.value}"
    return None


def _violations(importer: str, path: Path, modules: set[str]) -> Iterator[tuple[int, str]]:
    """(line, ``owner._name``) for every private name of another module that ``importer`` uses: in an
    import, in an attribute chain from an imported module (``pkg.mod._x``, ``alias._x``), in
    ``getattr(module, "_x")`` and in ``importlib.import_module("pkg._mod")``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    module_aliases: dict[str, str] = {}  # local name → the module it is bound to
    found: set[tuple[int, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.update((node.lineno, r) for r in _reaches(importer, alias.name))
                if alias.asname:
                    module_aliases[alias.asname] = alias.name
                else:  # `import a.b.c` binds `a`
                    top = alias.name.split(".")[0]
                    module_aliases[top] = top
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(importer, is_package, node)
            for alias in node.names:
                found.update((node.lineno, r) for r in _reaches(importer, f"{source}.{alias.name}"))
                if f"{source}.{alias.name}" in modules:
                    module_aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Call):
            dotted = _named_path(node, module_aliases)
            if dotted is not None:
                found.update((node.lineno, r) for r in _reaches(importer, dotted))
    yield from sorted(found)


def _source_of(module: str, container: str) -> Path | None:
    """The source file of ``module`` inside the package ``container``, found without importing it."""
    spec = importlib.util.find_spec(container)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*module.split(".")[1:])
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


class PrivateNamesContract(Contract):
    """No module of ``containers`` uses a private name (``_x``) defined outside its own subtree.

    Options: ``containers`` — the packages to check.
    """

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        found: list[str] = []
        modules = set(graph.modules)
        for container in sorted(str(c) for c in self.containers):  # type: ignore[attr-defined]
            for module in sorted(m for m in modules if _inside(m, container)):
                path = _source_of(module, container)
                if path is None:
                    continue
                for line, reached in _violations(module, path, modules):
                    found.append(f"{module}:{line} uses {reached}")
        return ContractCheck(kept=not found, metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for line in check.metadata["found"]:
            output.print_error(f"- {line}", bold=False)
            output.new_line()
