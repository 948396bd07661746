"""Long-running commands: `aegis jobs`, `aegis bot`, `aegis dashboard`, `aegis run`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the long-running commands to the CLI."""
