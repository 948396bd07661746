"""The offline provider, always last: the caller's deterministic template, or a generic Korean notice."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

GENERIC_OFFLINE_TEXT = "지금은 AI 답변을 드릴 수 없어 기본 안내로 대신합니다. 잠시 후 다시 시도해 주세요."
OfflineFn = Callable[[], "str | BaseModel"]
_TEXT_FIELDS = ("text", "answer", "explanation")


def offline_answer(offline: OfflineFn | None) -> tuple[str, BaseModel | None]:
    """Return (text, parsed) from the caller's template; a model's text field (text/answer/explanation) is the text."""
    if offline is None:
        return GENERIC_OFFLINE_TEXT, None
    value = offline()
    if isinstance(value, BaseModel):
        return model_text(value), value
    return str(value), None


def model_text(value: BaseModel) -> str:
    """Return the human text of a structured answer: its text/answer/explanation field, else its JSON."""
    for name in _TEXT_FIELDS:
        field_value = getattr(value, name, None)
        if isinstance(field_value, str):
            return field_value
    return value.model_dump_json()
