"""Logging setup: one redacting handler, level and format from settings, noisy libraries kept quiet."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from engine.logs import QUIET_LOGGERS, Redactor, configure_logging
from engine.settings import Settings, masked_config

TOKEN = "987654321:AAH-marker-token-abcdefghijklmnopq"


@pytest.fixture(autouse=True)
def _restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)


def test_redactor_masks_setting_secrets_raw_and_url_encoded() -> None:
    redact = Redactor(["abc+def/ghi=="])
    text = redact("raw abc+def/ghi== encoded abc%2Bdef%2Fghi%3D%3D double abc%252Bdef%252Fghi%253D%253D")
    assert "abc" not in text
    assert text.count("***") == 3


@pytest.mark.parametrize(
    ("line", "leak"),
    [
        ("GET https://apis.data.go.kr/x?serviceKey=SECRETKEY1&page=1", "SECRETKEY1"),
        ("GET https://www.bizinfo.go.kr/api.do?dataType=json&crtfcKey=SECRETKEY2", "SECRETKEY2"),
        ("POST http://127.0.0.1/v1?api_key=SECRETKEY3", "SECRETKEY3"),
        (f"POST https://api.telegram.org/bot{TOKEN}/getMe", TOKEN),
        (f"The token `{TOKEN}` was rejected by the server.", TOKEN),
        ("connect postgresql+psycopg://aegis:SECRETPASS@db:5432/aegis", "SECRETPASS"),
        ("headers {'Authorization': 'Infuser SECRETKEY4'}", "SECRETKEY4"),
    ],
)
def test_redactor_masks_secret_url_parts_without_knowing_the_secret(line: str, leak: str) -> None:
    assert leak not in Redactor()(line)


def test_redactor_masks_phone_numbers_and_emails_but_keeps_ids() -> None:
    text = Redactor()("user 010-1234-5678, +82 10 2345 6789, 01034567890 mail kim.cafe@example.co.kr chat 1012345678")
    assert "1234-5678" not in text and "2345 6789" not in text and "34567890" not in text
    assert "010-****-5678" in text
    assert "kim.cafe" not in text and "k***@example.co.kr" in text
    assert "chat 1012345678" in text  # a Telegram chat id is not a phone number


def test_handler_redacts_messages_arguments_and_tracebacks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _settings(monkeypatch, AEGIS_SOURCES__BIZINFO_API_KEY="marker-bizinfo-key")
    configure_logging(settings)
    log = logging.getLogger("aegis.test")
    log.warning("calling with %s", "marker-bizinfo-key")
    try:
        raise RuntimeError("failed at https://x.test/?crtfcKey=marker-bizinfo-key")
    except RuntimeError:
        log.exception("boom")
    err = capsys.readouterr().err
    assert "marker-bizinfo-key" not in err
    assert "calling with ***" in err
    assert "RuntimeError" in err


def test_configure_logging_is_idempotent_and_takes_the_level_from_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(monkeypatch, AEGIS_LOG_LEVEL="warning"))
    configure_logging(_settings(monkeypatch, AEGIS_LOG_LEVEL="warning"))
    names = [h.get_name() for h in logging.getLogger().handlers]
    assert names.count("aegis") == 1
    log = logging.getLogger("aegis.test")
    log.info("hidden line")
    log.warning("shown line")
    err = capsys.readouterr().err
    assert "hidden line" not in err
    assert err.count("shown line") == 1


def test_default_level_shows_no_debug_and_quiets_url_loggers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(monkeypatch))
    logging.getLogger("aegis.test").debug("debug line")
    logging.getLogger("httpx").info("HTTP Request: GET https://x.test/")
    assert capsys.readouterr().err == ""
    assert all(logging.getLogger(name).level == logging.WARNING for name in QUIET_LOGGERS)


def test_debug_level_still_keeps_httpx_at_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(monkeypatch, AEGIS_LOG_LEVEL="DEBUG"))
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot1:x/getMe")
    logging.getLogger("aegis.test").debug("debug line")
    err = capsys.readouterr().err
    assert "getMe" not in err
    assert "debug line" in err


def test_json_format_writes_one_object_a_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(monkeypatch, AEGIS_LOG_FORMAT="json"))
    logging.getLogger("aegis.test").warning("call to %s", "010-9876-5432")
    [line] = capsys.readouterr().err.strip().splitlines()
    data = json.loads(line)
    assert data["level"] == "WARNING"
    assert data["logger"] == "aegis.test"
    assert data["message"] == "call to 010-****-5432"


def test_masked_config_masks_credentials_and_keys_in_every_url(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(
        monkeypatch,
        AEGIS_LLM__SELFHOSTED__API_BASE="http://user:pass-marker@127.0.0.1:11434/v1",
        AEGIS_SOURCES__BIZINFO_URL="https://www.bizinfo.go.kr/api.do?crtfcKey=key-marker&dataType=json",
        AEGIS_VAULT__URL="https://vault:token-marker@vault.local:8200",
    )
    text = json.dumps(masked_config(settings), default=str)
    assert "pass-marker" not in text and "key-marker" not in text and "token-marker" not in text
    assert "http://user:***@127.0.0.1:11434/v1" in text
    assert "crtfcKey=***&dataType=json" in text
