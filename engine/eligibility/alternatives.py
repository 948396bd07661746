"""Either-of targets: '여성기업 또는 장애인기업', 'A·B·C 인증을 보유한', '다음 각 호의 어느 하나에 해당하는 자'.

Alternatives are kinds of applicant named side by side in one target clause (joined by 또는, 및, ·, 쉼표) or
listed under an "any one of the following" head. They become `traits_any`; an alternative no profile trait
states (메인비즈, or a listed item that names no trait) stays in the list as Korean words, so it can make the
outcome unknown but never unmet. Traits read as required from the same clauses are withdrawn.
"""

from __future__ import annotations

import re

from engine.eligibility.common import Findings
from engine.eligibility.segments import Segment
from engine.eligibility.traits import NOT_TARGET

# Loose mentions of a kind of applicant; only read inside clauses that name alternatives.
MENTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("woman_owned", re.compile(r"여성\s*기업|여성(?=\s*[·,/]\s*장애인)|여성\s*(?:대표자?|CEO)\s*기업")),
    ("disabled_owned", re.compile(r"장애인\s*기업|장애인(?=\s*[·,/]\s*여성)")),
    ("social_enterprise", re.compile(r"(?:예비\s*)?사회적\s*기업")),
    (
        "venture_certified",
        re.compile(
            r"(?<!중소)벤처\s*기업(?!\s*(?:부|협회|육성|투자|캐피탈))|벤처(?=\s*(?:[·,/]\s*(?:이노비즈|메인비즈)|\s*인증))"
        ),
    ),
    ("innobiz", re.compile(r"이노비즈|INNO-?BIZ|기술혁신형\s*중소기업", re.IGNORECASE)),
    ("메인비즈", re.compile(r"메인비즈|MAIN-?BIZ|경영혁신형\s*중소기업", re.IGNORECASE)),
    ("exporter", re.compile(r"수출\s*실적\s*(?:이|을)?\s*(?:있는|보유)")),
    ("veteran", re.compile(r"국가\s*유공자")),
)
_JOINER = re.compile(r"또는|이나|거나|혹은|및|와|과|[·,/]")
_ALL_OF = re.compile(r"모두|동시에|함께\s*보유|각각")
_ANY_HEAD = re.compile(r"(?:어느|중)\s*하나|하나\s*이상|어느\s*(?:한|1)\s*(?:가지|개)")
_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[가-하][.)]|\(\d{1,2}\)|\([가-하]\)|[①-⑩]|[-–·▪])\s*")
_TOP = re.compile(r"^\s*[□■◆◇▣▶◈▷○●◎]")
_MAX_GAP = 24  # characters between two alternatives of one list


def _mentions(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, alternative) for every mention, in order, overlaps dropped."""
    found: list[tuple[int, int, str]] = []
    for name, pattern in MENTIONS:
        found.extend((m.start(), m.end(), name) for m in pattern.finditer(text))
    found.sort()
    out: list[tuple[int, int, str]] = []
    for start, end, name in found:
        if out and start < out[-1][1]:
            continue
        out.append((start, end, name))
    return out


def _joined(text: str, mentions: list[tuple[int, int, str]]) -> list[str]:
    """Return the alternatives of the longest run of mentions joined as one list (empty if fewer than two)."""
    best: list[str] = []
    run: list[str] = []
    for i, (start, _, name) in enumerate(mentions):
        gap = text[mentions[i - 1][1] : start] if i else ""
        if i and len(gap) <= _MAX_GAP and _JOINER.search(gap):
            run.append(name)
        else:
            run = [name]
        if len(set(run)) > len(set(best)):
            best = list(run)
    return list(dict.fromkeys(best)) if len(set(best)) >= 2 else []


def _item_alternative(text: str) -> str:
    """Return a short Korean label for a listed item that names no trait (an alternative nobody can state)."""
    label = _ITEM.sub("", text).strip()
    return label[:24]


def extract_alternatives(segments: list[Segment], found: Findings) -> None:
    """Record traits_any from clauses naming alternatives; withdraw the traits they had made required."""
    alternatives: list[str] = []
    items: set[str] = set()  # lines of listed alternatives that name no trait
    evidence = ""
    for i, seg in enumerate(segments):
        if seg.excluded or seg.descriptive or _ALL_OF.search(seg.text) or NOT_TARGET.search(seg.text):
            continue
        names = _joined(seg.text, _mentions(seg.text))
        if not names and _ANY_HEAD.search(seg.text):
            names, unnamed_lines = _listed_items(segments[i + 1 :])
            items.update(unnamed_lines)
        if names:
            alternatives.extend(n for n in names if n not in alternatives)
            evidence = evidence or seg.line
    if not alternatives:
        return
    found.set("traits_any", alternatives, evidence)
    for key, line in list(found.evidence.items()):
        if line in items and key != "traits_any":
            # One alternative among several ('2. 만 39세 이하 청년') is no requirement of its own.
            found.values.pop(key, None)
            del found.evidence[key]
    required = [t for t in found.values.get("traits_required", []) if t not in alternatives]
    if required:
        found.values["traits_required"] = required
    elif "traits_required" in found.values:
        del found.values["traits_required"]
        found.evidence.pop("traits_required", None)


def _listed_items(following: list[Segment]) -> tuple[list[str], list[str]]:
    """Return the alternatives under an 'any one of the following' head and the lines of those naming no trait.

    Both are empty when no item names a trait (then the list is left to the other extractors).
    """
    names: list[str] = []
    unnamed: list[Segment] = []
    for seg in following[:10]:
        if _TOP.match(seg.line) or not _ITEM.match(seg.line):
            break
        mentions = _mentions(seg.text)
        if mentions:
            names.extend(n for _, _, n in mentions if n not in names)
        else:
            unnamed.append(seg)
    if not names:
        return [], []
    return names + [_item_alternative(seg.text) for seg in unnamed], [seg.line for seg in unnamed]
