"""Shared by the command-line tests: running ``main``, an English environment, a filled 附件1, a shared
in-memory store behind the database commands, and an optional dependency made missing."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from volunteer_core import Branch, Member, forms, services
from volunteer_core.cli import _common, main
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork

YEAR = 2026
GOOD = "1,赵大爷,男,80,凤山社区9号,助行器,,,,老,凤山社区,,200元,2026-05-01"
BAD = "2,钱奶奶,女,70,凤山社区10号,电视机,,,,老,凤山社区,,500元,2026-05-01"


def clear_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """No locale in the environment: output is English unless a test asks for Chinese."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def shared_store(monkeypatch: pytest.MonkeyPatch) -> InMemoryStore:
    """A store with one branch and one member, opened by every ``--db`` URL (the opener is patched)."""
    shared = InMemoryStore()
    uow = InMemoryUnitOfWork(shared)
    services.add_entities(
        uow,
        [
            Branch(id="b1", name="办公室党支部"),
            Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"}),
        ],
    )
    monkeypatch.setattr(_common, "open_uow", lambda url, create=False: InMemoryUnitOfWork(shared))
    return shared


def annex(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "annex1.csv"
    path.write_text(
        "\n".join([",".join(forms.HEADERS["wish_collection"]), *rows]) + "\n", encoding="utf-8-sig"
    )
    return path


def without(monkeypatch: pytest.MonkeyPatch, module: str, *dependents: str) -> None:
    """Make ``module`` (an optional dependency) impossible to import for this test, as on an install
    without its extra: ``import module`` raises ModuleNotFoundError naming it. The library's modules in
    ``dependents`` (and their submodules), already imported, are forgotten so that importing them again
    meets the missing module. Everything is restored after the test."""
    for name in list(sys.modules):
        if name == module or name.startswith(module + ".") or name.startswith(dependents):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)
