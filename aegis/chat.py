"""`aegis chat`: the terminal twin of the Telegram bot, over the same transport-neutral dialogue."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add `aegis chat` to the CLI."""
    app.command("chat")(chat_cmd)


def chat_cmd() -> None:
    """Talk to Aegis in the terminal, as in the Telegram bot (Ctrl-D or '종료' ends)."""
    from engine.app import build_core
    from engine.conversation import reply_to_description, source_labels, welcome_text
    from engine.programs import count_programs

    core = build_core()
    typer.echo(welcome_text(count_programs(core.db), source_labels()))
    while True:
        try:
            line = input("\n> ").strip()
        except EOFError:
            break
        if line in ("종료", "/quit", "/exit"):
            break
        if line == "/start":
            typer.echo(welcome_text(count_programs(core.db), source_labels()))
        elif line:
            typer.echo(reply_to_description(core, line))
