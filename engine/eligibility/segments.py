"""Split a notice into clauses that state who may apply, who is excluded, and what is only preferred.

Every extractor works on `Segment`s: a normalised clause, the verbatim line it came from (the evidence),
and whether the clause names excluded applicants ('예비창업자 신청 불가', '(숙박 및 음식점업 제외)').
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Segment:
    """A clause of a notice: `text` to match on, `line` (verbatim) as evidence, `excluded` polarity."""

    text: str
    line: str
    excluded: bool = False

    @property
    def descriptive(self) -> bool:
        """True for a sentence that describes the program ('...을 지원합니다.') rather than listing a condition."""
        return bool(_DESCRIPTIVE_END.search(self.text))


@dataclass
class Parsed:
    """A notice split into condition segments and preference lines."""

    segments: list[Segment] = field(default_factory=list)
    preferences: list[str] = field(default_factory=list)

    def positive(self) -> list[Segment]:
        """Return the segments that state who may apply."""
        return [s for s in self.segments if not s.excluded]

    def excluded(self) -> list[Segment]:
        """Return the segments that name excluded applicants."""
        return [s for s in self.segments if s.excluded]


_MIDDOTS = str.maketrans({"ㆍ": "·", "・": "·", "∙": "·", "•": "·", "‧": "·", "～": "~", "∼": "~", "〜": "~"})

# Bullet rank: lower = higher level. A block (exclusion or preference list) lasts while lines are deeper.
_BULLETS: tuple[tuple[str, int], ...] = (
    ("□■◆◇▣▶◈▷", 0),
    ("○●◎☞◦❍❑", 1),
    ("-–—·▪▫*①②③④⑤⑥⑦⑧⑨⑩", 2),
    ("※", 3),
)
_NUMBERED = re.compile(r"^(?:\d{1,2}[.)]|[가-하][.)]|\(\d{1,2}\)|\([가-하]\))\s")
_BULLET_CHARS = "".join(chars for chars, _ in _BULLETS)
_LEAD = re.compile(rf"^[\s{re.escape(_BULLET_CHARS)}]+")

_CONTACT = re.compile(r"문의|☎|연락처|담당자|전화번호|고객센터|콜센터|Tel\b|TEL\b|주소\s*[:：]|\(\d{5}\)")
_PREFERENCE = re.compile(
    r"우대|가점|가산점|인센티브|우선\s*(?:선정|선발|배정|고려|검토|순위|적으로|함|지원(?!\s*대상))|우선\s*[.)]?\s*$"
)
_PREF_HEADER = re.compile(r"^(?:우대|가점|가산점)\s*(?:사항|대상|조건|요건|기준)?\s*(?:[:：](?P<rest>.*))?$")
_EXCL_HEADER = re.compile(
    r"^(?:지원|신청|참여|접수|융자|사업|보증|선정)?\s*(?:자격\s*)?(?:제외|불가|제한)\s*(?:대상자?|기업|업종|요건|사항)?"
    r"\s*(?:[:：](?P<rest>.*))?$"
)
# '다음에 해당하는 자는 신청할 수 없습니다' opens a list of excluded applicants.
_EXCL_INTRO = re.compile(r"^(?:다음|아래)[^\n]{0,24}(?:제외|불가|없습니다|없음|제한)[^\n]{0,6}[.:]?$")
# 'head : value' lines whose head only names the section ('지원대상 : ...').
_TARGET_HEAD = re.compile(r"^(?:지원|신청|참여|모집|사업)?\s*(?:대상|자격|요건|자격\s*요건)(?:\s*기업)?\s*[:：]\s*")
_INLINE_HEADER = re.compile(r"^(?P<head>[^:：]{1,14})[:：]\s*(?P<rest>.+)$")
# A clause-final statement that what precedes it is excluded.
_EXCL_END = re.compile(
    r"(?:(?:은|는|이|가|도)\s*)?(?:지원|신청|참여|접수|융자|선정)?\s*(?:대상에서\s*)?(?:제외|불가)"
    r"(?:\s*(?:함|됨|합니다|됩니다|대상|하며|하고))?(?=\s*(?:$|[,.;)]|\())"
    r"|(?:신청|지원|참여)\s*(?:할\s*)?수\s*없(?:음|습니다|다|으며)?"
    r"|(?:신청|지원|참여|모집|선정)\s*대상(?:이|에\s*해당하지)?\s*(?:아님|아닙니다|아니며|아니다|않습니다|않음)"
)
_PAREN = re.compile(r"\(([^()]*)\)")
_DESCRIPTIVE_END = re.compile(r"(?:니다|세요|바람|위하여|위해)\s*[.!]?\s*$")


def normalize(text: str) -> str:
    """Return `text` NFC-normalised with one kind of middle dot and tilde, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_MIDDOTS)
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    return re.sub(r"[ \t]+", " ", text).strip()


def bullet_rank(line: str) -> int:
    """Return the outline level of a line from its bullet (no bullet counts as a level-1 line)."""
    stripped = line.lstrip()
    if not stripped:
        return 1
    for chars, rank in _BULLETS:
        if stripped[0] in chars:
            return rank
    if _NUMBERED.match(stripped):
        return 0
    return 1


def strip_bullet(line: str) -> str:
    """Return a line without its leading bullet characters."""
    return _LEAD.sub("", line).strip()


def split_exclusions(text: str) -> tuple[str, list[str]]:
    """Split a clause into its positive part and the parts that name excluded applicants."""
    excluded: list[str] = []

    def _paren(m: re.Match[str]) -> str:
        inner = m.group(1)
        if "제외" in inner or "불가" in inner:
            excluded.append(inner)
            return " "
        return m.group(0)

    text = _PAREN.sub(_paren, text)
    positive_parts: list[str] = []
    last = 0
    for m in _EXCL_END.finditer(text):
        part = text[last : m.end()].strip(" ,;")
        if len(part) > len(m.group(0).strip()):  # a bare '제외' names nobody
            excluded.append(part)
        last = m.end()
    positive_parts.append(text[last:])
    return " ".join(p.strip(" ,;") for p in positive_parts).strip(), excluded


# Bullets that open a new item even in the middle of a flattened line ('□ 지원제외 대상○ 유흥업 ...').
_EMBEDDED_BULLETS = "□■◆◇▣▶◈○●◎☞❍❑※"
# A table row ('| 1 | 여성기업확인서 보유 기업 | 2점 |') and the cells that make it a scoring row.
_TABLE_ROW = re.compile(r"^\|.*\|$")
_SCORE_CELL = re.compile(r"\|\s*[+-]?\d+(?:\.\d+)?\s*점\s*(?:\||$)")
_SCORE_TABLE_HEAD = re.compile(r"가점|배점|감점|평가\s*(?:항목|지표|기준)|심사\s*(?:항목|기준)")
# Section headers whose items score or rank applicants instead of admitting them.
_SCORING_HEADER = re.compile(
    r"^(?:선정|평가|심사)\s*(?:방법|기준|절차|방식|지표|항목)(?:\s*및\s*(?:절차|기준|방법))?\s*(?:[:：].*)?$"
)


def split_embedded(line: str) -> list[str]:
    """Split a flattened line at bullets that start a new item outside parentheses."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(line):
        if ch in "(（[「『":
            depth += 1
        elif ch in ")）]」』":
            depth = max(0, depth - 1)
        elif ch in _EMBEDDED_BULLETS and depth == 0 and line[start:i].strip():
            parts.append(line[start:i].strip())
            start = i
    parts.append(line[start:].strip())
    return [p for p in parts if p]


def _lines(text: str) -> list[str]:
    return [part for raw in (text or "").splitlines() for part in split_embedded(raw.strip())]


def parse_notice(text: str, *, exclusions: str = "") -> Parsed:
    """Split notice text (one paragraph per line) and a separate exclusion text into segments."""
    parsed = Parsed()
    block: tuple[str, int] | None = None  # ('excl' | 'pref', header rank)
    score_table = False  # inside a table whose header row names 가점/배점/평가 항목
    for line in _lines(text):
        if _TABLE_ROW.match(line):
            score_table = score_table or bool(_SCORE_TABLE_HEAD.search(line))
            if score_table or _SCORE_CELL.search(line):
                parsed.preferences.append(line)
                continue
        else:
            score_table = False
        norm = normalize(line)
        rank = bullet_rank(norm)
        if block is not None and rank <= block[1]:
            block = None
        body = strip_bullet(norm)
        if _CONTACT.search(norm):
            continue
        if block is not None:
            if block[0] == "excl":
                parsed.segments.append(Segment(body, line, excluded=True))
            else:
                parsed.preferences.append(line)
            continue
        if _EXCL_INTRO.match(body):
            block = ("excl", rank)
            continue
        body = _TARGET_HEAD.sub("", body)
        header = _EXCL_HEADER.match(body) or _inline_exclusion_header(body)
        if header:
            rest = (header.group("rest") or "").strip()
            if rest:
                parsed.segments.append(Segment(rest, line, excluded=True))
            else:
                block = ("excl", min(rank, 1) if rank == 3 else rank)
            continue
        if rank == 0 and _SCORING_HEADER.match(body):
            block = ("pref", rank)
            continue
        pref = _PREF_HEADER.match(body)
        if pref:
            parsed.preferences.append(line)
            if not (pref.group("rest") or "").strip():
                block = ("pref", rank)
            continue
        body = _strip_preference_parens(body, line, parsed)
        if _PREFERENCE.search(body):
            parsed.preferences.append(line)
            continue
        _add_clause(parsed, body, line)
    for raw_line in (exclusions or "").splitlines():
        line = raw_line.strip()
        if line and not _CONTACT.search(line):
            parsed.segments.append(Segment(strip_bullet(normalize(line)), line, excluded=True))
    # Condition lists first: the first finding of a field wins, and its evidence should be the condition line.
    parsed.segments.sort(key=lambda seg: seg.descriptive)
    return parsed


def _inline_exclusion_header(body: str) -> re.Match[str] | None:
    """Match 'head : rest' lines whose short head names an exclusion list ('제외대상 : ...')."""
    m = _INLINE_HEADER.match(body)
    if m and _EXCL_HEADER.match(m.group("head").strip()):
        return m
    return None


def _strip_preference_parens(body: str, line: str, parsed: Parsed) -> str:
    """Drop '(... 우대)' asides from a clause, keeping the line as a preference."""

    def _sub(m: re.Match[str]) -> str:
        if _PREFERENCE.search(m.group(1)):
            if line not in parsed.preferences:
                parsed.preferences.append(line)
            return " "
        return m.group(0)

    return _PAREN.sub(_sub, body)


def _add_clause(parsed: Parsed, body: str, line: str) -> None:
    positive, excluded = split_exclusions(body)
    if positive:
        parsed.segments.append(Segment(positive, line))
    for part in excluded:
        parsed.segments.append(Segment(part, line, excluded=True))
