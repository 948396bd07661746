"""Vault KV v2 (a fake server on 127.0.0.1, driven through hvac) and `aegis keys rotate` with rollback."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from ops_fakes import FakeHttp
from sqlalchemy.engine import Engine

from engine.app import Aegis, load_settings
from engine.ops.keys import rotate_key
from engine.ops.vault import VaultError, apply_vault, read_secrets
from engine.overrides import audit_entries
from engine.settings import Settings

TOKEN = "vault-root-token"
OLD_BOT = "111:old-bot-token-marker"
NEW_BOT = "222:new-bot-token-marker"


@dataclass
class FakeVault:
    """KV v2 at mount `secret`: versions of one or more paths, check-and-set, deletion of the latest."""

    versions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deleted: set[tuple[str, int]] = field(default_factory=set)
    url: str = ""

    def put(self, path: str, data: dict[str, str]) -> None:
        self.versions.setdefault(path, []).append(data)

    def latest(self, path: str) -> dict[str, Any]:
        return self.versions[path][-1]


def _vault_handler(fake: FakeVault) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _path(self) -> str | None:
            if self.headers.get("X-Vault-Token") != TOKEN:
                self._reply(403, {"errors": ["permission denied"]})
                return None
            prefix = "/v1/secret/data/"
            return self.path.split("?", 1)[0].removeprefix(prefix) if self.path.startswith(prefix) else ""

        def do_GET(self) -> None:
            path = self._path()
            if path is None:
                return
            versions = fake.versions.get(path)
            if not versions:
                self._reply(404, {"errors": []})
                return
            number = len(versions)
            meta = {"version": number, "created_time": "2026-12-02T00:00:00Z", "destroyed": False}
            if (path, number) in fake.deleted:
                meta["deletion_time"] = "2026-12-02T01:00:00Z"
                self._reply(404, {"data": {"data": None, "metadata": meta}})
                return
            meta["deletion_time"] = ""
            self._reply(200, {"data": {"data": versions[-1], "metadata": meta}})

        def do_POST(self) -> None:
            path = self._path()
            if path is None:
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            current = len(fake.versions.get(path, []))
            cas = (body.get("options") or {}).get("cas")
            if cas is not None and cas != current:
                self._reply(400, {"errors": ["check-and-set parameter did not match the current version"]})
                return
            fake.put(path, body["data"])
            self._reply(200, {"data": {"version": current + 1, "created_time": "2026-12-02T00:00:00Z"}})

        do_PUT = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@pytest.fixture
def fake_vault() -> Iterator[FakeVault]:
    fake = FakeVault()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _vault_handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield fake
    server.shutdown()
    server.server_close()


def _vault_env(env: pytest.MonkeyPatch, fake: FakeVault, token: str = TOKEN) -> None:
    env.setenv("AEGIS_VAULT__URL", fake.url)
    env.setenv("AEGIS_VAULT__TOKEN", token)


def test_vault_fills_secrets_the_environment_left_unset(clean_env: pytest.MonkeyPatch, fake_vault: FakeVault) -> None:
    fake_vault.put("aegis", {"AEGIS_TELEGRAM__BOT_TOKEN": OLD_BOT, "AEGIS_SOURCES__BIZINFO_API_KEY": "vault-biz"})
    _vault_env(clean_env, fake_vault)
    clean_env.setenv("AEGIS_SOURCES__BIZINFO_API_KEY", "env-biz")  # the environment wins
    settings = load_settings()
    assert settings.telegram.bot_token is not None
    assert settings.telegram.bot_token.get_secret_value() == OLD_BOT
    assert settings.sources.bizinfo_api_key is not None
    assert settings.sources.bizinfo_api_key.get_secret_value() == "env-biz"


def test_a_deleted_latest_version_is_an_error_not_an_empty_secret(
    clean_env: pytest.MonkeyPatch, fake_vault: FakeVault
) -> None:
    fake_vault.put("aegis", {"AEGIS_TELEGRAM__BOT_TOKEN": OLD_BOT})
    fake_vault.deleted.add(("aegis", 1))
    _vault_env(clean_env, fake_vault)
    with pytest.raises(VaultError):
        apply_vault(Settings(_env_file=None))


def test_a_wrong_vault_token_is_an_error_without_the_token(
    clean_env: pytest.MonkeyPatch, fake_vault: FakeVault
) -> None:
    fake_vault.put("aegis", {"AEGIS_TELEGRAM__BOT_TOKEN": OLD_BOT})
    _vault_env(clean_env, fake_vault, token="wrong-token-marker")
    with pytest.raises(VaultError) as caught:
        apply_vault(Settings(_env_file=None))
    assert "wrong-token-marker" not in str(caught.value)


def _telegram(fake_http: FakeHttp, accept: str) -> None:
    ok = {"ok": True, "result": {"id": 1, "is_bot": True, "username": "aegis_bot"}}
    bad = {"ok": False, "error_code": 401, "description": "Unauthorized"}
    fake_http.routes.clear()
    fake_http.on(f"/bot{accept}/", 200, ok)
    fake_http.on("/bot", 401, bad)


def _core(engine: Engine) -> Aegis:
    return Aegis(settings=Settings(_env_file=None), db=engine)


def test_rotation_in_env_file_keeps_a_key_that_passes(
    clean_env: pytest.MonkeyPatch, fake_http: FakeHttp, engine: Engine, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"AEGIS_LOG_LEVEL=INFO\nAEGIS_TELEGRAM__BOT_TOKEN={OLD_BOT}\n", encoding="utf-8")
    clean_env.setenv("AEGIS_TELEGRAM__BASE_URL", f"{fake_http.url}/bot")
    _telegram(fake_http, accept=NEW_BOT)
    result = asyncio.run(rotate_key(_core(engine), service="telegram", new_key=NEW_BOT, actor="ops", env_file=env_file))
    assert result.ok and result.store == ".env"
    assert env_file.read_text(encoding="utf-8") == f"AEGIS_LOG_LEVEL=INFO\nAEGIS_TELEGRAM__BOT_TOKEN={NEW_BOT}\n"
    [entry] = audit_entries(engine)
    assert entry["action"] == "keys.rotate" and entry["detail"]["kept"] is True
    assert NEW_BOT not in json.dumps(entry, default=str) and NEW_BOT not in result.message


def test_rotation_in_env_file_rolls_back_a_key_that_fails(
    clean_env: pytest.MonkeyPatch, fake_http: FakeHttp, engine: Engine, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    before = f"# operators' file\nAEGIS_TELEGRAM__BOT_TOKEN={OLD_BOT}\n"
    env_file.write_text(before, encoding="utf-8")
    clean_env.setenv("AEGIS_TELEGRAM__BASE_URL", f"{fake_http.url}/bot")
    _telegram(fake_http, accept=OLD_BOT)  # the new token is rejected
    result = asyncio.run(rotate_key(_core(engine), service="telegram", new_key=NEW_BOT, actor="ops", env_file=env_file))
    assert not result.ok and "되돌렸습니다" in result.message and "401" in result.message
    assert env_file.read_text(encoding="utf-8") == before
    [entry] = audit_entries(engine)
    assert entry["detail"]["kept"] is False


def test_rotation_in_vault_writes_a_version_and_rolls_back_on_failure(
    clean_env: pytest.MonkeyPatch, fake_http: FakeHttp, fake_vault: FakeVault, engine: Engine, tmp_path: Path
) -> None:
    fake_vault.put("aegis", {"AEGIS_TELEGRAM__BOT_TOKEN": OLD_BOT, "AEGIS_SOURCES__BIZINFO_API_KEY": "biz"})
    _vault_env(clean_env, fake_vault)
    clean_env.setenv("AEGIS_TELEGRAM__BASE_URL", f"{fake_http.url}/bot")
    core = _core(engine)
    _telegram(fake_http, accept=NEW_BOT)
    kept = asyncio.run(rotate_key(core, service="telegram", new_key=NEW_BOT, actor="ops", env_file=tmp_path / ".env"))
    assert kept.ok and kept.store == "vault"
    assert fake_vault.latest("aegis") == {"AEGIS_TELEGRAM__BOT_TOKEN": NEW_BOT, "AEGIS_SOURCES__BIZINFO_API_KEY": "biz"}
    assert not (tmp_path / ".env").exists()
    _telegram(fake_http, accept=NEW_BOT)  # a third token is rejected
    lost = asyncio.run(rotate_key(core, service="telegram", new_key="333:bad", actor="ops", env_file=tmp_path / ".env"))
    assert not lost.ok
    assert read_secrets(core.settings)[0]["AEGIS_TELEGRAM__BOT_TOKEN"] == NEW_BOT  # rolled back
    assert len(fake_vault.versions["aegis"]) == 4  # kept, tried, rolled back: history stays in Vault


def test_keys_rotate_command_reads_the_key_on_stdin(
    clean_env: pytest.MonkeyPatch, fake_http: FakeHttp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    from aegis.cli import run
    from db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'keys.db'}"
    upgrade(url)
    clean_env.setenv("AEGIS_DATABASE_URL", url)
    clean_env.setenv("AEGIS_TELEGRAM__BASE_URL", f"{fake_http.url}/bot")
    _telegram(fake_http, accept=OLD_BOT)
    clean_env.setattr(sys, "stdin", io.StringIO(NEW_BOT + "\n"))
    assert run(["keys", "rotate", "telegram"]) == 1
    captured = capsys.readouterr()
    assert NEW_BOT not in captured.out + captured.err
    assert not (tmp_path / ".env").exists()  # rolled back: the file it created is gone
    assert run(["keys", "rotate", "nosuchservice"]) == 2
