"""Shared pieces of the extractors: the findings accumulator, comparison words and Korean amounts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

Side = Literal["max", "min"]

# Comparison words -> (which bound, inclusive). 이내/이하 include the bound, 미만/초과 do not.
COMPARATORS: dict[str, tuple[Side, bool]] = {
    "미만": ("max", False),
    "이하": ("max", True),
    "이내": ("max", True),
    "이상": ("min", True),
    "초과": ("min", False),
}
COMPARATOR_RE = r"(?:미만|이하|이내|이상|초과)"


def bound_of(word: str, *, excluded: bool = False) -> tuple[Side, bool]:
    """Return (side, inclusive) for a comparison word; inverted when the clause names who is excluded.

    '업력 7년 이상 기업 제외' allows only 업력 < 7년, i.e. the opposite side with the opposite inclusivity.
    """
    side, inclusive = COMPARATORS[word]
    if excluded:
        return ("min" if side == "max" else "max"), not inclusive
    return side, inclusive


@dataclass
class Findings:
    """Condition values found so far with their evidence; the first finding of a field wins."""

    values: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)

    def set(self, name: str, value: Any, evidence: str) -> None:
        """Record `value` for `name` unless a value was already found."""
        if name not in self.values:
            self.values[name] = value
            self.evidence[name] = evidence

    def add(self, name: str, items: list[str], evidence: str) -> None:
        """Add list items to a list-valued field, keeping the first evidence."""
        current: list[str] = self.values.setdefault(name, [])
        for item in items:
            if item not in current:
                current.append(item)
        self.evidence.setdefault(name, evidence)


_UNITS = {"조": 10**12, "억": 10**8, "천만": 10**7, "백만": 10**6, "만": 10**4, "천": 10**3}
# An amount: one or more number+unit groups ('1억 5천만원', '10억원', '5,000만원') or a plain '1,000,000원'.
AMOUNT_RE = (
    r"(?:\d[\d,]*(?:\.\d+)?\s*(?:조|억|천만|백만|만|천)\s*)+(?:\d[\d,]*\s*)?원?"
    r"|\d{1,3}(?:,\d{3})+\s*원|\d+\s*원"
)
_PART = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(조|억|천만|백만|만|천)?")


def parse_krw(text: str) -> int | None:
    """Return the won value of a Korean amount ('10억원', '1억 5천만원', '5,000만원'), or None."""
    total = 0.0
    seen = False
    for m in _PART.finditer(text):
        number = m.group(1).replace(",", "")
        if not number or number == ".":
            continue
        try:
            value = float(number)
        except ValueError:
            continue
        total += value * _UNITS.get(m.group(2) or "", 1)
        seen = True
    return round(total) if seen else None
