"""Human (non --json) output of the CLI: names, not codes, in the bot's own wording (engine/dialogue)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any


def recommendation_lines(out: Mapping[str, Any]) -> Iterator[str]:
    """Yield the recommendations as the bot's cards: title, 기관 · D-n, terms, verdict, why."""
    from engine.dialogue.programs import card_text

    results = out["results"]
    if not results:
        yield f"{out['as_of']} 기준으로 조건에 맞는 공고가 없습니다."
        return
    yield f"{out['as_of']} 기준 추천 공고 {len(results)}건"
    as_of = dt.date.fromisoformat(out["as_of"])
    for i, result in enumerate(results, 1):
        yield ""
        yield from card_text(i, result, as_of).splitlines()
        for unmet in result.get("unmet", []):
            yield f"- 미충족: {unmet}"


def draft_lines(fields: Mapping[str, Any], missing: Sequence[str]) -> Iterator[str]:
    """Yield what was understood from a description, then what is still unknown, as the bot says it."""
    from engine.dialogue.fields import LABELS, profile_lines

    yield "이렇게 이해했어요:"
    yield from profile_lines(dict(fields)) or ["- (아직 알아낸 정보가 없어요)"]
    if missing:
        yield f"더 알려 주시면 정확해져요: {', '.join(LABELS.get(m, m) for m in missing)}"


def config_lines(config: Mapping[str, Any]) -> Iterator[str]:
    """Yield the configuration as aligned `AEGIS_NAME = value` lines (secrets arrive masked)."""
    flat = dict(_flatten(config, "AEGIS_"))
    width = max(map(len, flat), default=0)
    for name, value in flat.items():
        yield f"{name.ljust(width)} = {value}"


def _flatten(config: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, str]]:
    for key, value in config.items():
        name = prefix + key.rstrip("_").upper()
        if isinstance(value, Mapping):
            yield from _flatten(value, name + "__")
        elif isinstance(value, list | tuple):
            yield name, ",".join(map(str, value)) or "-"
        else:
            yield name, "-" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
