"""``volunteer-core serve`` and :func:`volunteer_core.http.prepare`: the command's options, the
bootstrap token, the database created when absent, the message without the extra ``http``."""

from __future__ import annotations

import io
import stat
import sys
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from volunteer_core.cli import main
from volunteer_core.http import prepare


def test_serve_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    for option in (
        "--db",
        "--host",
        "--port",
        "--max-body",
        "--certificate-secret-file",
        "--bootstrap-token-file",
        "--forwarded-allow-ips",
    ):
        assert option in out


def test_serve_refuses_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_without_the_extra_the_error_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in list(sys.modules):
        if name == "volunteer_core.http" or name.startswith(("volunteer_core.http.", "litestar")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "litestar", None)
    assert main(["serve", "--db", f"sqlite:///{tmp_path / 'v.db'}"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'volunteer-core[http]'" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "v.db").exists()


def test_prepare_creates_the_database_and_prints_one_bootstrap_token(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'v.db'}"
    err = io.StringIO()
    app = prepare(url, stderr=err)
    lines = err.getvalue().splitlines()
    token_lines = [line for line in lines if line.startswith("token: ")]
    assert len(token_lines) == 1
    secret = token_lines[0].removeprefix("token: ")
    assert secret.startswith("vct_")
    with TestClient(app) as client:
        assert client.get("/health").json()["status"] == "ok"
        assert client.get("/v1/members", headers={"Authorization": f"Bearer {secret}"}).json() == {
            "items": [],
            "next": None,
        }
    again = io.StringIO()
    prepare(url, stderr=again)
    assert "token: " not in again.getvalue()


def test_bootstrap_token_file_is_private(tmp_path: Path) -> None:
    err = io.StringIO()
    target = tmp_path / "token"
    prepare(f"sqlite:///{tmp_path / 'v.db'}", bootstrap_token_file=target, stderr=err)
    assert "token: " not in err.getvalue()
    assert target.read_text().strip().startswith("vct_")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_serve_runs_uvicorn_behind_a_proxy_as_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    seen: dict[str, object] = {}

    def run(app: object, **options: object) -> None:
        seen["app"] = app
        seen.update(options)

    monkeypatch.setattr(uvicorn, "run", run)
    secret = tmp_path / "cert.key"
    secret.write_text("0123456789abcdef-0123456789abcdef\n")
    code = main(
        [
            "serve",
            "--db",
            f"sqlite:///{tmp_path / 'v.db'}",
            "--host",
            "0.0.0.0",
            "--port",
            "8123",
            "--forwarded-allow-ips",
            "10.0.0.5",
            "--bootstrap-token-file",
            str(tmp_path / "tok"),
            "--certificate-secret-file",
            str(secret),
            "--max-body",
            "4096",
        ]
    )
    assert code == 0
    assert (seen["host"], seen["port"], seen["proxy_headers"], seen["forwarded_allow_ips"]) == (
        "0.0.0.0",
        8123,
        True,
        "10.0.0.5",
    )
    app = seen["app"]
    assert isinstance(app, Litestar)
    with TestClient(app) as client:
        token = (tmp_path / "tok").read_text().strip()
        response = client.post(
            "/v1/branches",
            content=b"[" + b" " * 5000 + b"]",
            headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
        )
        assert response.status_code == 413


def test_a_missing_certificate_secret_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(
        ["serve", "--db", f"sqlite:///{tmp_path / 'v.db'}", "--certificate-secret-file", str(tmp_path / "no")]
    )
    assert code == 2
    assert "--certificate-secret-file" in capsys.readouterr().err
    assert not (tmp_path / "v.db").exists()
