"""`aegis demo load`: import the bundled demo snapshot through the normal import path."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the demo commands to the CLI."""
