"""An exported form gets the mode any new file of the process gets: ``0o666`` less the umask (it is
written to a private temporary file and renamed, which alone would leave it 0600)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from volunteer_core import forms
from volunteer_core.forms._filemode import current_umask
from volunteer_core.storage.memory import InMemoryUnitOfWork


@pytest.fixture
def umask() -> Iterator[None]:
    saved = os.umask(0o022)
    os.umask(saved)
    yield
    os.umask(saved)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_an_export_honours_the_umask(tmp_path: Path, suffix: str, mask: int, mode: int) -> None:
    os.umask(mask)
    path = forms.export("wish_collection", InMemoryUnitOfWork(), tmp_path / f"w{suffix}")
    assert _mode(path) == mode


@pytest.mark.usefixtures("umask")
def test_a_replaced_file_gets_the_umask_mode_too(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o600)
    os.umask(0o022)
    forms.export("wish_collection", InMemoryUnitOfWork(), path)
    assert _mode(path) == 0o644
    assert "old" not in path.read_text(encoding="utf-8-sig")


@pytest.mark.usefixtures("umask")
def test_the_umask_is_read_without_changing_it() -> None:
    os.umask(0o027)
    assert current_umask() == 0o027
    assert current_umask() == 0o027
