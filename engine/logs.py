"""Logging setup, once per process: level and format from settings, secrets redacted at the handler.

`configure_logging(settings)` installs one stderr handler on the root logger whose filter masks every
secret value of the settings, key/token query parameters, Bot API URLs, credentials in URLs, phone
numbers and emails; chatty libraries that log full request URLs (httpx, httpcore, PTB) stay at WARNING.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from engine.settings import Settings, iter_secrets

MASK = "***"
MIN_SECRET_LEN = 4  # shorter "secrets" would mask ordinary words
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Libraries that log every request URL (Bot API URLs carry the token, portal URLs the key) or chat at
# INFO/DEBUG: kept at WARNING whatever the configured level.
QUIET_LOGGERS = (
    "httpx",
    "httpcore",
    "hpack",
    "bm25s",
    "telegram.request",
    "telegram._bot",
    "telegram.ext.ExtBot",
    "LiteLLM",
    "LiteLLM Router",
    "LiteLLM Proxy",
    "litellm",
    "urllib3",
    "asyncio",
    "aiosmtpd",
    "mail.log",
    "hvac",
)

# Query parameters and header-like fields whose value is a secret.
_SECRET_PARAM = re.compile(
    r"(?i)((?:[?&;]|\b)(?:servicekey|crtfckey|api_?key|apikey|key|token|access_token|secret|password|"
    r"x-ncp-iam-access-key|x-ncp-apigw-signature-v2)=)[^&#\s\"'<>]+"
)
_AUTH_HEADER = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:bearer |infuser |basic |token )?)[^'\"\s,}]+")
_BOT_URL = re.compile(r"(/bot)[^/\s\"']+")
_BOT_TOKEN = re.compile(r"\b\d{5,12}:[A-Za-z0-9_-]{20,}")
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s\"']+):[^@/\s\"']+@")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})\b")
_PHONE = re.compile(r"(?<![\d+])((?:\+82[-\s.]?|0)1[016789])[-\s.]?(\d{3,4})[-\s.]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<![\d+-])(0\d{1,2})-(\d{3,4})-(\d{4})(?![\d-])")


class Redactor:
    """Mask secret values, secret URL parts, phone numbers and emails in one string."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        variants: set[str] = set()
        for secret in secrets:
            if len(secret) < MIN_SECRET_LEN:
                continue
            variants.update(
                {secret, quote(secret, safe=""), quote_plus(secret), quote(quote(secret, safe=""), safe="")}
            )
        ordered = sorted(variants, key=len, reverse=True)  # the longest first: an encoded form contains a raw one
        self._secrets = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    def __call__(self, text: str) -> str:
        """Return `text` with every secret and personal detail masked."""
        if self._secrets is not None:
            text = self._secrets.sub(MASK, text)
        text = _BOT_URL.sub(lambda m: m.group(1) + MASK if ":" in m.group(0) else m.group(0), text)
        text = _BOT_TOKEN.sub(MASK, text)
        text = _URL_CREDENTIALS.sub(rf"\1:{MASK}@", text)
        text = _SECRET_PARAM.sub(rf"\1{MASK}", text)
        text = _AUTH_HEADER.sub(rf"\1{MASK}", text)
        text = _EMAIL.sub(rf"\1{MASK}@\2", text)
        text = _PHONE.sub(r"\1-****-\3", text)
        return _LANDLINE.sub(r"\1-****-\3", text)


def settings_secrets(settings: Settings) -> list[str]:
    """Return every secret value set in the settings (for the redaction filter)."""
    return [secret.get_secret_value() for _, secret in iter_secrets(settings) if secret is not None]


class RedactingFilter(logging.Filter):
    """A handler filter that rewrites each record's message and traceback with secrets masked."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place (message, arguments, exception and stack text); always keep it."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed %-format: log the raw template rather than lose the record
            message = str(record.msg)
        record.msg = self.redactor(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one line of JSON."""
        data: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


class StderrHandler(logging.Handler):
    """Write to whatever `sys.stderr` is at emit time (test runners swap it; a bound stream goes stale)."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write one formatted record and a newline."""
        try:
            stream = sys.stderr
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:  # logging must never crash the caller
            self.handleError(record)


_HANDLER_NAME = "aegis"
_current = Redactor()  # the process's redactor: patterns only until configure_logging knows the secrets


def redact(text: str) -> str:
    """Mask secrets (those of the configured settings too) in text shown outside the logs, e.g. an error line."""
    return _current(text)


def _aegis_handler() -> logging.Handler | None:
    for handler in logging.getLogger().handlers:
        if handler.get_name() == _HANDLER_NAME:
            return handler
    return None


def configure_logging(settings: Settings | None = None, *, level: str | None = None) -> logging.Handler:
    """Install (or update) the one Aegis handler on the root logger; safe to call any number of times.

    Without settings (before they load) it masks patterns only and logs at `level` (default WARNING).
    """
    root = logging.getLogger()
    handler = _aegis_handler()
    if handler is None:
        handler = StderrHandler()
        handler.set_name(_HANDLER_NAME)
        for other in list(root.handlers):  # a basicConfig or earlier fallback handler would print unredacted
            if isinstance(other, logging.StreamHandler) and other.stream in (sys.stderr, sys.stdout):
                root.removeHandler(other)
        root.addHandler(handler)
    global _current
    _current = Redactor(settings_secrets(settings) if settings is not None else [])
    for old in list(handler.filters):
        handler.removeFilter(old)
    handler.addFilter(RedactingFilter(_current))
    fmt = settings.log_format if settings is not None else "text"
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root.setLevel(level or (settings.log_level if settings is not None else "WARNING"))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
