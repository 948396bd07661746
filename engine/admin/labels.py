"""Korean display labels shared by the dashboard's rows: source names, application status, D-n, regions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple, cast
from zoneinfo import ZoneInfo

from engine.domain import Window
from engine.matching.window import window_status
from engine.regions import SIDO, sido_short

STATUS_LABELS = {
    "open": "접수 중",
    "always": "상시 접수",
    "upcoming": "접수 예정",
    "closed": "마감",
    "unknown": "일정 미정",
}
RUN_STATUS_LABELS = {"ok": "성공", "failed": "실패", "degraded": "일부 실패", "running": "진행 중"}
RUN_MODE_LABELS = {"collect": "수집", "import": "가져오기"}
DELIVERY_STATUS_LABELS = {
    "pending": "대기",
    "accepted": "전송 중",
    "sent": "발송",
    "failed": "재시도 대기",
    "dead": "실패(중단)",
}
CHANNEL_LABELS = {"telegram": "텔레그램", "email": "이메일", "sms": "문자"}
CIRCUIT_LABELS = {"closed": "정상", "open": "차단", "half_open": "시험 중"}


class _Window(NamedTuple):
    kind: str
    start: dt.date | None
    end: dt.date | None


@cache
def _source_labels() -> dict[str, str]:
    import yaml

    from engine.collectors import BUILTIN_COLLECTORS
    from engine.collectors.web.definitions import bundled_definitions

    labels = {collector.name: collector.label for collector in BUILTIN_COLLECTORS}
    for _file, payload in bundled_definitions():
        data = yaml.safe_load(payload)
        if isinstance(data, dict) and isinstance(data.get("name"), str) and isinstance(data.get("label"), str):
            labels.setdefault(data["name"], data["label"])
    return labels


def source_label(name: str) -> str:
    """Return the Korean name of a source (its collector's or definition's label), or the name itself."""
    return _source_labels().get(name, name)


def status_key(*, window_kind: str, start: dt.date | None, end: dt.date | None, closed: bool, today: dt.date) -> str:
    """Return the application status on `today`: open, always, upcoming, closed or unknown."""
    if closed:
        return "closed"
    if window_kind == "unknown":
        return "unknown"  # '추후 공지' and the like: not open, but not over either
    # A plain stand-in, not a validated model: values come from the database and pages classify 10,000 rows.
    return window_status(cast(Window, _Window(window_kind, start, end)), today)


def deadline_label(*, window_kind: str, end: dt.date | None) -> str:
    """Return the deadline as YYYY-MM-DD, or '상시' / '-' when there is none."""
    if window_kind == "always":
        return "상시"
    return end.isoformat() if end else "-"


def d_day(*, status: str, end: dt.date | None, today: dt.date) -> str:
    """Return 'D-3', 'D-day' for an open dated window, else ''."""
    if status != "open" or end is None:
        return ""
    left = (end - today).days
    return "D-day" if left == 0 else f"D-{left}"


def regions_label(codes: Sequence[str] | None) -> str:
    """Return the 시도 short names, or '전국' for a nationwide program."""
    if not codes or set(codes) >= set(SIDO):
        return "전국"
    return ", ".join(sido_short(code) for code in codes)


def kst(moment: dt.datetime | None, tz: ZoneInfo) -> str:
    """Return a moment as 'YYYY-MM-DD HH:MM' in the display zone, or '-'."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
