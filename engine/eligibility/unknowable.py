"""Requirements no profile field can express: 세대주, 한부모가족, 경력 N년, 자격증, 교육 이수, 전통시장 점포, 메인비즈.

Such a requirement can never be checked against a profile, so it becomes `unknowable` (Korean words): the
program is at best 'unknown' for anyone, never 'eligible'. Read only from clauses that state who may apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from engine.eligibility.common import Findings
from engine.eligibility.segments import Segment

# An obligation after selection or a description of the programme, not a condition of applying.
_NOT_CONDITION = re.compile(
    r"(?:이수|수료)\s*(?:하여야|해야|예정|필수\s*(?:이며|임|\)))|제출|증빙|서류|사본|지원\s*내용|최대\s*[\d,.]+\s*(?:억|천만|만)"
    r"|우대|가점|선정\s*후|협약\s*후"
)
# Words near a 경력 that make it another party's (a hire's, a mentor's).
_OTHER_PARTY = re.compile(r"채용|고용|인력|직원|근로자|멘토|강사|전문가|심사|평가위원|코치|컨설턴트")


def _career(text: str) -> str | None:
    m = re.search(r"경력\s*(?:이\s*)?(\d{1,2})\s*년\s*(이상|以上)?", text)
    if not m or _OTHER_PARTY.search(text[max(0, m.start() - 20) : m.end() + 12]):
        return None
    return f"경력 {m.group(1)}년 이상"


def _pattern(regex: str, label: str) -> Callable[[str], str | None]:
    compiled = re.compile(regex)
    return lambda text: label if compiled.search(text) else None


READERS: tuple[Callable[[str], str | None], ...] = (
    _pattern(r"한부모", "한부모가족"),
    _pattern(r"세대주", "세대주"),
    _career,
    _pattern(
        r"자격증?\s*(?:을|를)?\s*(?:소지|보유|취득)|(?:소지|보유|취득)한\s*[^\n]{0,6}자격|면허\s*(?:를|을)?\s*(?:소지|보유)",
        "자격증 소지",
    ),
    _pattern(
        r"(?:교육|과정|아카데미|사관학교)[^\n,]{0,16}(?:이수|수료)(?:한|하신|하였|자|생)|(?:이수|수료)\s*(?:자|생)(?:로서|인|\b)",
        "교육 이수",
    ),
    _pattern(r"(?:전통\s*시장|상점가)[^\n]{0,12}(?:에서|내|입점|점포|상인)", "전통시장·상점가 점포"),
)
_MAINBIZ = re.compile(r"메인비즈|MAIN-?BIZ|경영혁신형\s*중소기업", re.IGNORECASE)


def extract_unknowable(segments: list[Segment], found: Findings) -> None:
    """Record `unknowable` requirements from the clauses that state who may apply."""
    words: list[str] = []
    evidence = ""
    for seg in segments:
        if seg.excluded or seg.descriptive or _NOT_CONDITION.search(seg.text):
            continue
        hits = [label for read in READERS if (label := read(seg.text)) is not None]
        if _MAINBIZ.search(seg.text) and "메인비즈" not in found.values.get("traits_any", []):
            hits.append("메인비즈")
        for label in hits:
            if label not in words:
                words.append(label)
                evidence = evidence or seg.line
    if words:
        found.set("unknowable", words, evidence)
