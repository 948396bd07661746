"""The bundled declarative web-source definitions (YAML), seeded into the `sources` table."""

from __future__ import annotations

from importlib import resources


def bundled_definitions() -> list[tuple[str, bytes]]:
    """Return (file name, YAML bytes) of every bundled definition, sorted by name."""
    folder = resources.files(__name__)
    files = [f for f in folder.iterdir() if f.name.endswith(".yaml")]
    return [(f.name, f.read_bytes()) for f in sorted(files, key=lambda f: f.name)]
