"""JSON Schemas of the CLI contract, shipped with the package (copies of shared/contracts)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Return a bundled JSON Schema by file name (e.g. 'profile.schema.json')."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
