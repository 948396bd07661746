"""Email over SMTP: STARTTLS (587) or implicit TLS (465), login when configured, multipart/alternative.

The standard library's `smtplib` runs in a worker thread (`asyncio.to_thread`); its errors are
translated here into the channel errors (retryable or not) that the outbox records.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from engine.alerts.render import Email
from engine.errors import ChannelAuthError, ChannelError, ChannelRejected, ChannelUnavailable
from engine.settings import SmtpSettings

CHANNEL = "email"


def configured(settings: SmtpSettings) -> bool:
    """Return whether the email channel can send (host and sender set)."""
    return bool(settings.host and settings.from_)


def build_message(settings: SmtpSettings, *, to: str, mail: Email) -> EmailMessage:
    """Return a multipart/alternative message (plain text first, then HTML)."""
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = _from_header(settings.from_ or "")
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    domain = (settings.from_ or "aegis.local").rsplit("@", 1)[-1].strip("> ")
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(mail.text, charset="utf-8")
    message.add_alternative(mail.html, subtype="html", charset="utf-8")
    return message


async def send_email(settings: SmtpSettings, *, to: str, mail: Email, tls_context: ssl.SSLContext | None = None) -> str:
    """Send one mail; return its Message-ID. Raise a ChannelError saying whether a retry may help."""
    message = build_message(settings, to=to, mail=mail)
    await asyncio.to_thread(_send_sync, settings, message, tls_context)
    return str(message["Message-ID"])


async def probe(settings: SmtpSettings, *, tls_context: ssl.SSLContext | None = None) -> str:
    """Connect, EHLO, STARTTLS and log in as sending would (nothing is sent); return the server's greeting."""
    return await asyncio.to_thread(_probe_sync, settings, tls_context)


def _send_sync(settings: SmtpSettings, message: EmailMessage, tls_context: ssl.SSLContext | None) -> None:
    with _session(settings, tls_context) as smtp:
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise ChannelRejected(f"recipient refused: {_codes(exc.recipients)}", channel=CHANNEL) from exc
        except smtplib.SMTPSenderRefused as exc:
            raise ChannelAuthError(f"sender refused ({exc.smtp_code})", channel=CHANNEL) from exc
        except smtplib.SMTPDataError as exc:
            raise _by_code(exc.smtp_code, f"message refused ({exc.smtp_code})") from exc
        if refused:
            raise ChannelRejected(f"recipient refused: {_codes(refused)}", channel=CHANNEL)


def _probe_sync(settings: SmtpSettings, tls_context: ssl.SSLContext | None) -> str:
    with _session(settings, tls_context) as smtp:
        code, reply = smtp.noop()
        return f"{code} {reply.decode(errors='replace')}".strip()


@contextmanager
def _session(settings: SmtpSettings, tls_context: ssl.SSLContext | None) -> Iterator[smtplib.SMTP]:
    """Yield a connected, secured and logged-in SMTP session; translate every failure."""
    if not settings.host:
        raise ChannelAuthError("SMTP host is not configured", channel=CHANNEL)
    context = tls_context or ssl.create_default_context()
    smtp: smtplib.SMTP | None = None
    try:
        if settings.ssl:
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_s, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
        smtp.ehlo()
        if settings.starttls and not settings.ssl:
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.username and settings.password is not None:
            smtp.login(settings.username, settings.password.get_secret_value())
        yield smtp
    except smtplib.SMTPAuthenticationError as exc:
        raise ChannelAuthError(f"SMTP login refused ({exc.smtp_code})", channel=CHANNEL) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise ChannelAuthError(f"SMTP server does not support this: {exc}", channel=CHANNEL) from exc
    except ChannelError:
        raise
    except smtplib.SMTPResponseException as exc:
        raise _by_code(exc.smtp_code, f"SMTP error {exc.smtp_code}") from exc
    except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise ChannelUnavailable(
            f"SMTP {settings.host}:{settings.port} unreachable: {type(exc).__name__}", channel=CHANNEL
        ) from exc
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _by_code(code: int, message: str) -> ChannelError:
    """A 4xx reply is temporary (retry), a 5xx permanent."""
    if 400 <= code < 500:
        return ChannelUnavailable(message, channel=CHANNEL)
    return ChannelRejected(message, channel=CHANNEL)


def _codes(refused: dict[str, tuple[int, bytes]]) -> str:
    return ", ".join(str(code) for code, _ in refused.values())


def _from_header(value: str) -> str:
    """Return the From header: '이지스 <addr>' unless a display name is given."""
    if "<" in value:
        return value
    local, _, domain = value.partition("@")
    return str(Address(display_name="이지스", username=local, domain=domain)) if domain else value
