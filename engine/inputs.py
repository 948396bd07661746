"""Parsers for what people hand to Aegis — payload files, profile JSON, dates — bounded and in one line.

Every failure is `InvalidInput` with a short Korean message that names the field and never echoes the
value (a hostile file can be megabytes of one line or nested ten thousand levels deep).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from engine.domain import Profile
from engine.errors import InvalidInput

MAX_PAYLOAD_BYTES = 100 * 1024 * 1024  # a full 보조금24 dump is tens of MB; anything bigger is a mistake
MAX_PROFILE_BYTES = 64 * 1024  # a real profile is well under 2 KB; anything bigger is not one
MAX_JSON_DEPTH = 16  # a profile nests two levels; the bound keeps json.loads and jsonschema off deep recursion
MAX_DETAIL_CHARS = 120  # the longest piece of a library's message that reaches the one-line error
DEFAULT_ZONE = "Asia/Seoul"


def read_payload(path: Path, *, max_bytes: int = MAX_PAYLOAD_BYTES) -> bytes:
    """Read a file of at most `max_bytes`; raise InvalidInput when it is missing, a folder, unreadable or bigger.

    It reads no more than the bound, so a device or a pipe that never ends (`/dev/zero`) is refused too.
    """
    if path.is_dir():
        raise InvalidInput(f"파일이 아니라 폴더입니다: {path}")
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InvalidInput(f"파일을 읽을 수 없습니다: {path} ({exc.strerror or type(exc).__name__})") from exc
    if len(data) > max_bytes:
        raise InvalidInput(f"파일이 너무 큽니다: {path} (최대 {_size(max_bytes)})")
    return data


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def json_depth(text: str) -> int:
    """Return how deeply arrays and objects nest in a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def load_json(raw: bytes, *, what: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Decode a small JSON document, refusing one nested deeper than `max_depth` before parsing it."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{what}: UTF-8 텍스트가 아닙니다 (바이트 {exc.start})") from exc
    if json_depth(text) > max_depth:
        raise InvalidInput(f"{what}: JSON이 너무 깊게 중첩되어 있습니다 (최대 {max_depth}단계)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{what}: 올바른 JSON이 아닙니다 ({exc.msg}, {exc.lineno}행 {exc.colno}열)") from exc
    except RecursionError as exc:  # the depth scan above makes this unreachable for any sane bound
        raise InvalidInput(f"{what}: JSON이 너무 깊게 중첩되어 있습니다") from exc


def _short(text: str) -> str:
    """Return a library's message on one line, cut to MAX_DETAIL_CHARS."""
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_DETAIL_CHARS else flat[: MAX_DETAIL_CHARS - 1] + "…"


def _schema_reason(error: Any) -> str:
    """Say what a JSON Schema rule wants, from the rule itself, never from the offending value."""
    validator, wanted = error.validator, error.validator_value
    if validator == "type":
        return f"{wanted} 형식이어야 합니다"
    if validator == "enum":
        return _short(f"다음 중 하나여야 합니다: {', '.join(map(str, wanted))}")
    if validator in ("minimum", "maximum"):
        return f"{'최솟값' if validator == 'minimum' else '최댓값'}은 {wanted}입니다"
    if validator == "pattern":
        return f"형식이 맞지 않습니다 ({wanted})"
    if validator == "required":
        missing = [name for name in wanted if isinstance(error.instance, dict) and name not in error.instance]
        return f"필수 항목이 없습니다: {', '.join(missing)}"
    if validator == "additionalProperties":
        return "허용되지 않는 항목이 있습니다 (profile.schema.json의 항목만 쓸 수 있습니다)"
    if validator == "uniqueItems":
        return "같은 값이 두 번 들어 있습니다"
    return f"{validator} 규칙을 어겼습니다"


def parse_profile(data: Any, *, today: dt.date | None = None) -> Profile:
    """Validate a profile against the contract's JSON Schema and the calendar, then build the typed profile.

    `today` is the evaluation date (default: today in Asia/Seoul); an operating business founded after it is refused.
    """
    import jsonschema

    from engine.schemas import load_schema

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(load_schema("profile.schema.json")).iter_errors(data)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path)[:60] or "profile"
        raise InvalidInput(f"프로필이 올바르지 않습니다 ({where}): {_schema_reason(error)}")
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(p) for p in first["loc"]) or "profile"
        raise InvalidInput(f"프로필이 올바르지 않습니다 ({where}): {_short(first['msg'])}") from exc
    today = today or dt.datetime.now(ZoneInfo(DEFAULT_ZONE)).date()
    # An operating business founded after the evaluation date is impossible (and would meet every 업력 limit);
    # a 예비창업자's date is a plan, and 업력 rules ignore it.
    if profile.status == "operating" and profile.founded_on is not None and profile.founded_on > today:
        raise InvalidInput(f"프로필이 올바르지 않습니다 (founded_on): 개업일이 기준일({today})보다 늦습니다")
    return profile


def load_profile(path: Path, *, today: dt.date | None = None) -> Profile:
    """Read and validate a profile JSON file (bounded in size and nesting)."""
    raw = read_payload(path, max_bytes=MAX_PROFILE_BYTES)
    return parse_profile(load_json(raw, what=str(path)), today=today)


def parse_date(value: str | None, *, default: dt.date) -> dt.date:
    """Parse an ISO date option (YYYY-MM-DD); raise InvalidInput on a malformed one."""
    if value is None:
        return default
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(f"날짜 형식이 올바르지 않습니다: {_short(value)[:20]!r} (YYYY-MM-DD로 적어 주세요)") from exc
