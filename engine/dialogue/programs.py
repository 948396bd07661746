"""Programs in the dialogue: recommendation cards, 자세히, 저장, 관심 없음, 더 보기, search, saved, ask, calendar."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlmodel import Session

from db.models import Program
from engine import choices, matching
from engine.dialogue import fields as F
from engine.dialogue.model import Button, ReplyFile
from engine.dialogue.state import remember_ref, resolve_ref
from engine.dialogue.turn import Turn
from engine.links import is_safe_url, plain_title, safe_link
from engine.matching.kinds.base import UNKNOWABLE_FIELD
from engine.matching.labels import format_krw, object_particle

PAGE = 5
FEEDBACK_REASONS = (("industry", "업종 안 맞음"), ("received", "이미 받음"), ("small", "금액 작음"), ("other", "기타"))
BADGES = {"eligible": "✅ 자격 충족", "unknown": "❔ 확인 필요", "ineligible": "❌ 자격 미충족"}
NO_PROFILE = "먼저 사업장을 알려 주셔야 추천할 수 있어요. /start 를 보내 주세요."
STALE = "이 버튼은 오래되어 더 이상 쓸 수 없어요. 아래에서 다시 골라 주세요."
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WINDOW_OR_TERMS = ("마감", "상시 접수", "접수 시작", "지금 접수", "접수가 끝", "지원 조건")


def due_label(deadline: dt.date | None, status: str | None, today: dt.date) -> str:
    """Return 'D-12', 'D-day', '상시', '접수 예정' or '마감일 미정'."""
    if status == "always":
        return "상시"
    if status == "upcoming":
        return "접수 예정" + (f" (마감 D-{(deadline - today).days})" if deadline else "")
    if deadline is None:
        return "마감일 미정"
    left = (deadline - today).days
    return "D-day" if left == 0 else (f"D-{left}" if left > 0 else "마감")


def _funding_line(funding: dict[str, Any] | None) -> str | None:
    if not funding:
        return None
    parts = []
    if funding.get("max_amount_krw"):
        parts.append(f"최대 {format_krw(int(funding['max_amount_krw']))}")
    if funding.get("interest_rate"):
        parts.append(f"금리 {funding['interest_rate']}")
    if funding.get("guarantee_rate"):
        parts.append(f"보증비율 {funding['guarantee_rate']}")
    return " · ".join(parts) or None


def stale_note(funding: dict[str, Any] | None) -> str:
    """Return the warning shown beside terms older than the catalog's freshness limit."""
    as_of = (funding or {}).get("as_of")
    when = f"{as_of} 기준이라 " if as_of else ""
    return f"⚠️ 금리·한도는 {when}바뀌었을 수 있어요. 신청 전에 최신 공고를 확인해 주세요."


def why_lines(explanation: str) -> list[str]:
    """Return up to two sentences of the explanation on eligibility and fit (deadline and terms shown apart)."""
    sentences = [s.strip() for s in _SENTENCE.split(explanation) if s.strip()]
    kept = [s for s in sentences if not s.startswith(_WINDOW_OR_TERMS)]
    return (kept or sentences)[:2]


def card_text(index: int, result: dict[str, Any], today: dt.date) -> str:
    """Return one recommendation card: title, 기관 · D-n, terms, badge, a two-line why."""
    deadline = dt.date.fromisoformat(result["deadline"]) if result.get("deadline") else None
    head = " · ".join(
        p for p in (result.get("organization") or "", due_label(deadline, result.get("status"), today)) if p
    )
    lines = [f"{index}. {plain_title(result['title'])}", head]
    if terms := _funding_line(result.get("funding")):
        lines.append(terms)
    if result.get("stale"):
        lines.append(stale_note(result.get("funding")))
    lines.append(BADGES.get(result.get("eligibility", ""), ""))
    lines.extend(why_lines(result.get("explanation", "")))
    return "\n".join(line for line in lines if line)


def recommend_page(turn: Turn, *, offset: int) -> None:
    """Show up to five cards from `offset`, then 더 보기 and the engine's next question."""
    profile = turn.profile()
    user = turn.user()
    if profile is None or user is None:
        turn.say(NO_PROFILE)
        return
    dismissed = choices.not_interested_keys(turn.db, user_id=user.id)
    out = turn.core.recommend(profile=profile, as_of=turn.today, top=offset + PAGE + len(dismissed) + 1)
    results = [r for r in out["results"] if r["program_id"] not in dismissed]
    page = results[offset : offset + PAGE]
    if not page:
        turn.say(
            "지금 조건에 맞는 접수 중인 공고가 없어요. 새 공고가 나오면 알려 드릴게요."
            if offset == 0
            else "더 보여 드릴 공고가 없어요."
        )
        return
    if offset == 0:
        turn.say(f"{profile_summary(profile.model_dump(mode='json'))}에 맞는 공고예요.")
    for i, result in enumerate(page, offset + 1):
        ref = remember_ref(turn.state, result["program_id"])
        turn.say(
            card_text(i, result, turn.today),
            [[Button("자세히", f"d:{ref}"), Button("저장", f"s:{ref}"), Button("관심 없음", f"n:{ref}")]],
        )
    turn.state.data["rec_offset"] = offset + PAGE
    if len(results) > offset + PAGE:
        turn.say("더 볼까요?", [[Button("더 보기", "r:more")]])
    ask_next_question(turn, out.get("next_question"), page)


def profile_summary(fields: dict[str, Any]) -> str:
    """Return '서울특별시 · 숙박 및 음식점업' for the heading of a recommendation list."""
    parts = [F.shown("region", fields["region"])]
    if fields.get("industry"):
        parts.append(F.shown("industry", fields["industry"]))
    return " · ".join(parts)


def ask_next_question(turn: Turn, field: str | None, page: list[dict[str, Any]]) -> None:
    """Ask the field that would decide the most 확인 필요 verdicts, as buttons."""
    unknown = sum(1 for r in page if r.get("eligibility") == "unknown")
    profile = turn.profile()
    if field is not None and field.startswith(UNKNOWABLE_FIELD) and unknown:
        # A requirement no profile field holds (세대주, 자격증 …): say so; the user checks each notice.
        words = field.removeprefix(UNKNOWABLE_FIELD).replace("·", ", ")
        turn.say(f"{unknown}개 사업은 '{words}' 요건에 해당하시는지에 따라 달라져요. '자세히'에서 확인해 주세요.")
        return
    if field is None or field not in F.EDITABLE or unknown == 0 or profile is None:
        return
    from engine.dialogue.profile import ask_field

    label = F.LABELS[field]
    turn.state.step = "idle"
    turn.state.data.update(mode="question", draft=profile.model_dump(mode="json", exclude_none=True))
    turn.state.data.pop("multi", None)
    turn.state.data["question_prefix"] = (
        f"{label}{object_particle(label)} 알려 주시면 {unknown}개 사업의 자격을 확정할 수 있어요."
    )
    ask_field(turn, field)


def show_detail(turn: Turn, ref: str) -> None:
    """Show the full checklist (met / unmet / unknown in the notice's words), the link and attachments."""
    key = resolve_ref(turn.state, ref)
    facts = program_facts(turn, key) if key else None
    if key is None or facts is None:
        turn.say(STALE)
        return
    lines = [plain_title(facts["title"]), " · ".join(p for p in (facts["organization"], facts["due"]) if p)]
    if facts["terms"]:
        lines.append(facts["terms"])
    profile = turn.profile()
    candidate = facts["candidate"]
    if profile is not None and candidate is not None:
        evaluation = matching.evaluate(candidate.eligibility, profile, turn.today)
        lines.append("")
        lines.append(BADGES[evaluation.verdict])
        marks = {"met": "✅", "unmet": "❌", "unknown": "❔"}
        lines.extend(f"{marks[r.outcome]} {r.reason}" for r in evaluation.results)
        if not evaluation.results:
            lines.append("공고에 따로 정한 자격 조건이 없어요.")
    if facts["summary"]:
        lines += ["", facts["summary"][:600]]
    buttons: list[list[Button]] = []
    if facts["link"]:
        buttons.append([Button("공고 보기", facts["link"], kind="url")])
    for name, url in facts["attachments"][:5]:
        buttons.append([Button(f"첨부: {name[:30]}", url, kind="url")])
    buttons.append([Button("저장", f"s:{ref}"), Button("관심 없음", f"n:{ref}")])
    turn.say("\n".join(lines), buttons)


def program_facts(turn: Turn, key: str) -> dict[str, Any] | None:
    """Return what the detail view shows of one program (None when it is no longer stored)."""
    with Session(turn.db) as session:
        row = session.get(Program, key)
        if row is None:
            return None
        attachments = [
            (str(a.get("name") or "첨부파일"), str(a["url"]))
            for a in (row.attachments or [])
            if isinstance(a, dict) and is_safe_url(str(a.get("url") or ""), key.partition(":")[0])
        ]
        title, org, url, summary = row.title, row.organization, row.url, row.summary or ""
        end, funding = row.window_end, row.funding
    catalog = turn.core.catalog.get(turn.today)
    candidate = next((c for c in catalog.candidates if key in c.source_ids), None)
    status = matching.window_status(candidate.window, turn.today) if candidate else None
    return {
        "title": title,
        "organization": org or "",
        "due": due_label(end, status, turn.today),
        "terms": _funding_line(funding),
        "candidate": candidate,
        "summary": summary,
        "link": safe_link(key=key, url=url),
        "attachments": attachments,
    }


def save(turn: Turn, ref: str) -> None:
    """Save a program; reminders follow it."""
    key = resolve_ref(turn.state, ref)
    user = turn.user()
    if key is None or user is None:
        turn.say(STALE)
        return
    if choices.save_program(turn.db, user_id=user.id, program_key=key, now=turn.now):
        turn.say(
            "저장했어요. 마감 7일·3일·1일 전에 알려 드릴게요. /saved 에서 볼 수 있어요.",
            [[Button("저장 취소", f"u:{ref}")]],
        )
    else:
        turn.say("이미 저장한 공고예요. /saved 에서 볼 수 있어요.")


def unsave(turn: Turn, ref: str) -> None:
    """Forget a saved program."""
    key = resolve_ref(turn.state, ref)
    user = turn.user()
    if key is None or user is None:
        turn.say(STALE)
        return
    choices.unsave_program(turn.db, user_id=user.id, program_key=key)
    turn.say("저장을 취소했어요.")


def not_interested(turn: Turn, ref: str) -> None:
    """Ask why a program is not interesting."""
    if resolve_ref(turn.state, ref) is None:
        turn.say(STALE)
        return
    buttons = [Button(label, f"nr:{ref}:{code}") for code, label in FEEDBACK_REASONS]
    turn.say("어떤 점이 안 맞았나요?", [buttons[:2], buttons[2:]])


def feedback(turn: Turn, ref: str, reason: str) -> None:
    """Store 관심 없음 with its reason; the program is left out of later recommendations."""
    key = resolve_ref(turn.state, ref)
    user = turn.user()
    if key is None or user is None or reason not in dict(FEEDBACK_REASONS):
        turn.say(STALE)
        return
    choices.add_feedback(turn.db, user_id=user.id, program_key=key, kind="not_interested", reason=reason, now=turn.now)
    turn.say("알려 주셔서 고마워요. 이 공고는 다시 추천하지 않을게요.")


def search(turn: Turn, query: str) -> None:
    """Search open and upcoming programs by keyword."""
    turn.state.reset("idle")
    out = turn.core.search(query=query, as_of=turn.today, top=PAGE)
    if not out["results"]:
        turn.say(f"'{query}'에 맞는 접수 중인 공고를 찾지 못했어요. 다른 말로 찾아보시겠어요?")
        return
    lines = [f"'{query}' 검색 결과예요."]
    buttons: list[list[Button]] = []
    for i, r in enumerate(out["results"], 1):
        lines.append(f"{i}. {plain_title(r['title'])}")
        buttons.append([Button(f"{i}번 자세히", f"d:{remember_ref(turn.state, r['program_id'])}")])
    turn.say("\n".join(lines), buttons)


def saved(turn: Turn) -> None:
    """List saved programs with D-n."""
    user = turn.user()
    rows = choices.saved_programs(turn.db, user_id=user.id) if user else []
    if not rows:
        turn.say("저장한 공고가 없어요. 추천 카드의 '저장'을 누르면 여기에 모여요.")
        return
    lines = ["저장한 공고예요."]
    buttons: list[list[Button]] = []
    for i, row in enumerate(rows, 1):
        lines.append(f"{i}. {plain_title(row.title)} ({due_label(row.window_end, None, turn.today)})")
        buttons.append([Button(f"{i}번 자세히", f"d:{remember_ref(turn.state, row.program_key)}")])
    buttons.append([Button("달력 파일로 받기", "m:calendar")])
    turn.say("\n".join(lines), buttons)


def calendar(turn: Turn) -> None:
    """Send an .ics of the saved programs' deadlines."""
    from engine.calendar import deadlines_ics

    user = turn.user()
    rows = choices.saved_programs(turn.db, user_id=user.id) if user else []
    dated = [(r.program_key, r.title, r.window_end) for r in rows if r.window_end is not None]
    if not dated:
        turn.say("마감일이 있는 저장 공고가 없어요. 공고를 저장하면 달력 파일로 드릴게요.")
        return
    content = deadlines_ics(dated, now=turn.now)
    turn.say(
        f"저장한 공고 {len(dated)}건의 마감일이에요. 파일을 열면 달력에 추가돼요(마감 하루 전 알림 포함).",
        file=ReplyFile("aegis-deadlines.ics", content, "text/calendar"),
    )


def ask(turn: Turn, question: str) -> None:
    """Answer a free question with the programs it cites as buttons."""
    out = turn.core.ask(question=question, profile=turn.profile(), as_of=turn.today)
    with Session(turn.db) as session:
        titles = {pid: (p.title if (p := session.get(Program, pid)) else pid) for pid in out["citations"][:PAGE]}
    buttons = [[Button(plain_title(title)[:40], f"d:{remember_ref(turn.state, pid)}")] for pid, title in titles.items()]
    turn.say(out["answer"], buttons, typing=True)
