"""`aegis chat`: the terminal twin of the Telegram bot, over the same transport-neutral dialogue.

Buttons are shown as numbered choices (type the number to press one); files (the calendar) are
written to the current directory. The terminal composes no reply of its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from engine.app import Aegis
    from engine.dialogue import Button, Reply

QUIT = frozenset({"종료", "/quit", "/exit"})
TERMINAL_USER_ID = 1  # the person at the terminal owns any phone number they type


def register(app: typer.Typer) -> None:
    """Add `aegis chat` to the CLI."""
    app.command("chat", epilog="예:  aegis chat  ·  aegis chat --name 테스트")(chat_cmd)


def show(replies: list[Reply], *, out_dir: Path) -> list[Button]:
    """Print replies with their buttons numbered; return the buttons in that numbering."""
    choices: list[Button] = []
    for reply in replies:
        typer.echo(reply.text)
        for row in reply.buttons:
            cells = []
            for button in row:
                choices.append(button)
                shown = f"{button.label} ({button.data})" if button.kind == "url" else button.label
                cells.append(f"{len(choices)}) {shown}")
            typer.echo("   " + "   ".join(cells))
        if reply.file is not None:
            path = out_dir / reply.file.name
            path.write_bytes(reply.file.content)
            typer.echo(f"(파일을 저장했어요: {path})")
        typer.echo("")
    return choices


def chat_cmd(
    name: str = typer.Option("local", help="대화 이름 (이름마다 대화 상태를 데이터베이스에 따로 보관)"),
) -> None:
    """텔레그램 봇과 똑같이 터미널에서 이지스와 대화합니다 (Ctrl-D 또는 '종료'로 끝)."""
    from engine.app import build_core
    from engine.dialogue import Event

    core = build_core()
    conversation = f"chat:{name}"

    def send(event: Event) -> list[Button]:
        return show(_respond(core, conversation, event), out_dir=Path.cwd())

    choices = send(Event(kind="command", text="/start", sender_id=TERMINAL_USER_ID))
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            break
        if line in QUIT:
            break
        if not line:
            continue
        event = _event_for(line, choices)
        if event is None:
            continue
        choices = send(event)


def _event_for(line: str, choices: list[Button]) -> Event | None:
    from engine.dialogue import Event

    if line.isdigit() and 1 <= int(line) <= len(choices):
        button = choices[int(line) - 1]
        if button.kind == "url":
            typer.echo(f"링크: {button.data}")
            return None
        if button.kind == "contact":
            phone = input("휴대전화 번호: ").strip()
            return Event(
                kind="contact", contact_phone=phone, contact_user_id=TERMINAL_USER_ID, sender_id=TERMINAL_USER_ID
            )
        return Event(kind="button", data=button.data, sender_id=TERMINAL_USER_ID)
    kind = "command" if line.startswith("/") else "text"
    return Event(kind=kind, text=line, sender_id=TERMINAL_USER_ID)  # type: ignore[arg-type]


def _respond(core: Aegis, conversation: str, event: Event) -> list[Reply]:
    from engine.dialogue import respond

    return respond(core, conversation=conversation, event=event, now=dt.datetime.now(dt.UTC))


if TYPE_CHECKING:
    from engine.dialogue import Event
