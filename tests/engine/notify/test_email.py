"""SMTP against real aiosmtpd relays: plain, STARTTLS with login, implicit TLS, and refusals."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import SecretStr

from engine.alerts.render import Email, render_email
from engine.errors import ChannelAuthError, ChannelRejected, ChannelUnavailable
from engine.notify import email as smtp_email
from engine.settings import SmtpSettings

MAIL = Email(subject="[이지스] 새로운 정책자금 추천", text="본문 <텍스트>", html="<p>본문</p>")


@dataclass
class Inbox:
    """What the relay accepted."""

    messages: list[tuple[str, list[str], Message]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if any(rcpt.startswith("bounce@") for rcpt in envelope.rcpt_tos):
            return "550 no such user"
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _auth(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"aegis", b"s3cret")
    return AuthResult(success=ok, handled=False)  # unhandled: aiosmtpd itself answers 535


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def _server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def relay() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def tls_relay(ca: trustme.CA) -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_tls(ca),
        require_starttls=True,
        authenticator=_auth,
        auth_required=True,
    )
    controller.start()
    yield inbox, port
    controller.stop()


def _plain(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, starttls=False, from_="alerts@aegis.example", timeout_s=5)


def _secure(port: int, password: str = "s3cret") -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        starttls=True,
        username="aegis",
        password=SecretStr(password),
        from_="alerts@aegis.example",
        timeout_s=5,
    )


async def test_plain_relay_receives_a_multipart_alternative_korean_mail(relay: tuple[Inbox, int]) -> None:
    inbox, port = relay
    mail = render_email({"kind": "verification", "code": "123456", "link": "https://aegis.example/v"})
    message_id = await smtp_email.send_email(_plain(port), to="kim@example.com", mail=mail)
    ((sender, rcpts, message),) = inbox.messages
    assert (sender, rcpts) == ("alerts@aegis.example", ["kim@example.com"])
    assert message["Message-ID"] == message_id and message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in message.get_payload()}
    assert "123456" in parts["text/plain"] and "https://aegis.example/v" in parts["text/html"]
    assert message["Subject"] == "[이지스] 이메일 인증 코드" and message["From"] == "이지스 <alerts@aegis.example>"


async def test_starttls_relay_with_login(tls_relay: tuple[Inbox, int], client_tls: ssl.SSLContext) -> None:
    inbox, port = tls_relay
    await smtp_email.send_email(_secure(port), to="lee@example.com", mail=MAIL, tls_context=client_tls)
    assert [rcpts for _, rcpts, _ in inbox.messages] == [["lee@example.com"]]
    assert "250" in await smtp_email.probe(_secure(port), tls_context=client_tls)


async def test_wrong_password_is_an_auth_error(tls_relay: tuple[Inbox, int], client_tls: ssl.SSLContext) -> None:
    _, port = tls_relay
    with pytest.raises(ChannelAuthError):
        await smtp_email.send_email(_secure(port, "wrong"), to="lee@example.com", mail=MAIL, tls_context=client_tls)


async def test_login_without_tls_is_refused_by_the_relay(tls_relay: tuple[Inbox, int]) -> None:
    _, port = tls_relay
    settings = _secure(port).model_copy(update={"starttls": False})
    with pytest.raises(ChannelAuthError):
        await smtp_email.send_email(settings, to="lee@example.com", mail=MAIL)


async def test_implicit_tls_relay(ca: trustme.CA, client_tls: ssl.SSLContext) -> None:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=_server_tls(ca))
    controller.start()
    try:
        settings = _plain(port).model_copy(update={"ssl": True})
        await smtp_email.send_email(settings, to="park@example.com", mail=MAIL, tls_context=client_tls)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


async def test_refused_recipient_is_permanent_and_a_dead_server_is_retryable(relay: tuple[Inbox, int]) -> None:
    _, port = relay
    with pytest.raises(ChannelRejected):
        await smtp_email.send_email(_plain(port), to="bounce@example.com", mail=MAIL)
    with pytest.raises(ChannelUnavailable):
        await smtp_email.send_email(_plain(_free_port()), to="kim@example.com", mail=MAIL)
