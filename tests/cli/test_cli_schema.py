"""``volunteer-core schema``: one schema, all of them, or one file per entity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import clear_locale, run


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


def test_schema_prints_one_or_writes_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema", "wish"], capsys)
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "Wish"
    assert schema["additionalProperties"] is False
    code, out, _ = run(["schema", "--out", str(tmp_path / "schemas")], capsys)
    assert code == 0
    files = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert "Wish.schema.json" in files
    assert "ServiceRecord.schema.json" in files
    assert "Violation.schema.json" in files
    written = json.loads((tmp_path / "schemas" / "Member.schema.json").read_text(encoding="utf-8"))
    assert written["$schema"].startswith("https://json-schema.org/")
    code, out, _ = run(["schema"], capsys)
    assert set(json.loads(out)) >= {"Wish", "Member", "Beneficiary"}
    code, _, err = run(["schema", "Nope"], capsys)
    assert code == 2
    assert "Nope" in err
