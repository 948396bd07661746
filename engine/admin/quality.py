"""The published quality numbers: the last labelled dev-set score (`make score`) kept in a small JSON file.

`aegis record-score` reads the scorer's `name: value` output and writes `data/quality.json`; the
overview shows the figures and how old they are.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import InvalidInput

QUALITY_FILE = Path("data") / "quality.json"
STALE_AFTER = dt.timedelta(days=7)


@dataclass(frozen=True)
class QualityScore:
    """The figures of one scoring run and when it ran."""

    measured_at: dt.datetime
    figures: dict[str, float] = field(default_factory=dict)
    set_name: str = "dev"

    def age_days(self, now: dt.datetime) -> float:
        """Return how many days ago the score was measured."""
        return round((now - self.measured_at).total_seconds() / 86400, 1)

    def stale(self, now: dt.datetime) -> bool:
        """Return whether the score is older than a week."""
        return now - self.measured_at > STALE_AFTER


def parse_score_output(text: str, *, measured_at: dt.datetime, set_name: str = "dev") -> QualityScore:
    """Read the scorer's `name: value` lines (numbers only); InvalidInput when there are none."""
    figures: dict[str, float] = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if not sep or name.strip() in ("summary", "error"):
            continue
        try:
            figures[name.strip()] = float(value.strip())
        except ValueError:
            continue
    if not figures:
        raise InvalidInput("no figures in the score output", user_message="점수 출력에서 수치를 찾지 못했습니다.")
    return QualityScore(measured_at=measured_at, figures=figures, set_name=set_name)


def write_quality(score: QualityScore, path: Path | None = None) -> Path:
    """Store a score as JSON; return the file written."""
    path = path or QUALITY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"measured_at": score.measured_at.isoformat(), "set": score.set_name, "figures": score.figures}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_quality(path: Path | None = None) -> QualityScore | None:
    """Return the stored score, or None when none was recorded (or the file is unreadable)."""
    path = path or QUALITY_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        measured = dt.datetime.fromisoformat(data["measured_at"])
        figures = {str(k): float(v) for k, v in dict(data["figures"]).items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if measured.tzinfo is None:
        measured = measured.replace(tzinfo=dt.UTC)
    return QualityScore(measured_at=measured, figures=figures, set_name=str(data.get("set", "dev")))
