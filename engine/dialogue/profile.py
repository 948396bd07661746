"""Consent and the profile: /start, the free-text draft, one button step per field, and /profile edits.

The profile in progress lives in the conversation state (`data["draft"]`), so a restart resumes at
the same question; it is saved to the user only when onboarding ends or a single edit is chosen.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from engine import users
from engine.dialogue import fields as F
from engine.dialogue.model import Button
from engine.dialogue.state import delete_state
from engine.dialogue.turn import Turn, rows
from engine.domain import Profile

CONSENT_TEXT = (
    "안녕하세요! 이지스(Aegis)는 사장님께 맞는 정책자금·지원사업을 찾아 알려 드리는 도우미예요.\n\n"
    "시작하기 전에 개인정보 수집·이용 동의를 받을게요.\n"
    "- 저장하는 것: 사업 정보(지역, 업종, 개업 연월, 직원 수, 대표자 나이대 등), 저장한 공고, 알림 설정, "
    "알림을 받을 연락처(텔레그램, 원하시면 이메일·휴대전화)\n"
    "- 쓰는 곳: 자격에 맞는 공고 추천과 마감 알림에만 써요.\n"
    "- 삭제: 언제든 /delete 를 보내면 모두 지워져요.\n\n"
    "동의하시면 '동의'를 눌러 주세요. 동의하지 않으면 아무것도 저장하지 않아요."
)
DECLINED = "알겠어요. 아무것도 저장하지 않았어요. 마음이 바뀌면 언제든 /start 를 보내 주세요."
INTRO = (
    "고마워요! 이제 사업장을 알려 주세요.\n"
    "사업장을 한두 문장으로 소개해 주세요.\n"
    "예) 강남구에서 4년째 카페를 하고 직원은 3명이에요. 저는 34살이에요.\n"
    "버튼으로 하나씩 고르셔도 돼요."
)
UNDERSTOOD = "이렇게 이해했어요:"
NOT_UNDERSTOOD = "잘 알아듣지 못했어요. 아래 버튼에서 골라 주세요."
DONE = "프로필을 저장했어요! 이제 맞춤 공고를 추천해 드릴게요. 새 공고가 나오면 알림도 보내 드려요."
RESUME = "하던 곳부터 이어서 할게요."


def consent_prompt(turn: Turn) -> None:
    """Say what Aegis does, stores and why, and how to delete; ask for consent (nothing is stored yet)."""
    turn.say(CONSENT_TEXT, [[Button("동의", "c:y"), Button("동의하지 않음", "c:n")]])


def on_consent(turn: Turn, answer: str) -> None:
    """Agree: create the user and begin the profile. Decline: forget the conversation, store nothing."""
    if answer != "y":
        if not turn.consented:
            delete_state(turn.db, key=turn.state.key)
            turn.state.stored = False
            turn.state.reset("declined")
        turn.say(DECLINED)
        return
    user = turn.user()
    if user is None:
        if turn.chat_id is not None:
            user = users.get_or_create_telegram_user(
                turn.db, chat_id=turn.chat_id, display_name=turn.event.display_name, now=turn.now
            )
        else:
            user = users.create_user(turn.db, display_name=turn.event.display_name, source=turn.channel, now=turn.now)
        turn.state.user_id = user.id
    users.record_consent(turn.db, user_id=user.id, now=turn.now)
    turn.forget_user()
    if turn.profile() is not None:
        turn.state.reset("idle")
        turn.say("다시 만나서 반가워요! 프로필이 그대로 있어요. /recommend 로 추천을 받아 보세요.", menu())
        return
    ask_intro(turn)


def ask_intro(turn: Turn) -> None:
    """Ask for a one- or two-sentence description, with the button path beside it."""
    turn.state.reset("intro")
    turn.say(INTRO, [[Button("버튼으로 입력할게요", "o:btn")]])


def on_description(turn: Turn, text: str) -> None:
    """Draft a profile from the person's words and show what was understood."""
    draft = turn.core.draft_profile(text=text)
    turn.state.data["draft"] = dict(draft.fields)
    show_draft(turn, typing=True)


def show_draft(turn: Turn, *, typing: bool = False) -> None:
    """Show the draft with 확인 / 수정 buttons."""
    turn.state.step = "draft"
    draft: dict[str, Any] = turn.state.data.get("draft", {})
    lines = F.profile_lines(draft) or ["- (아직 알아낸 정보가 없어요)"]
    missing = [F.LABELS[n] for n in F.ONBOARDING_ORDER if n not in draft and F.applies(n, draft)]
    text = "\n".join([UNDERSTOOD, *lines])
    if missing:
        text += f"\n\n'확인'을 누르면 나머지({', '.join(missing)})를 버튼으로 여쭐게요."
    text += "\n고칠 곳이 있으면 '수정'을 눌러 주세요."
    turn.say(text, [[Button("확인", "o:ok"), Button("수정", "o:edit")]], typing=typing)


def on_onboarding_button(turn: Turn, action: str) -> None:
    """Handle 확인 / 수정 on the draft and the switch to the button path."""
    data = turn.state.data
    if action == "btn":
        data["draft"] = {}
        data["mode"] = "onboard"
        data["queue"] = list(F.ONBOARDING_ORDER)
        next_field(turn)
    elif action == "ok":
        draft = data.get("draft", {})
        data["mode"] = "onboard"
        data["queue"] = [n for n in F.ONBOARDING_ORDER if n not in draft]
        next_field(turn)
    elif action == "edit":
        turn.say("어떤 항목을 고칠까요?", field_picker(include_done=False))


def field_picker(*, include_done: bool = True) -> list[list[Button]]:
    """Return one button per editable field ('pe:<field>')."""
    buttons = [Button(F.LABELS[n], f"pe:{n}") for n in F.EDITABLE]
    laid = rows(buttons, per_row=3)
    return [[Button("확인", "pe:~done")], *laid] if include_done else laid


def next_field(turn: Turn) -> None:
    """Ask the next field in the queue, or save the profile when none is left."""
    data = turn.state.data
    draft = data.setdefault("draft", {})
    queue: list[str] = data.get("queue", [])
    while queue:
        name = queue.pop(0)
        if F.applies(name, draft) and name not in draft:
            ask_field(turn, name)
            return
    missing = [n for n in ("status", "region") if n not in draft]
    if missing:
        data["queue"] = missing
        next_field(turn)
        return
    finish_onboarding(turn)


def ask_field(turn: Turn, name: str, *, page: str = "") -> None:
    """Ask one field with its buttons (and 건너뛰기 where the field is optional)."""
    turn.state.step = f"field:{name}"
    data = turn.state.data
    data["page"] = page
    choices = F.options(name, today=turn.today, page=page)
    if name in F.MULTI:
        chosen = set(data.setdefault("multi", list(data.get("draft", {}).get(name) or [])))
        buttons = [Button(("✔ " if o.value in chosen else "") + o.label, f"f:{name}:{o.value}") for o in choices]
        laid = [*rows(buttons, per_row=2), [Button("완료", f"f:{name}:~done")]]
    else:
        buttons = [Button(o.label, f"f:{name}:{o.value}") for o in choices]
        laid = rows(buttons, per_row=3 if name in ("region", "founded_on") else 2)
        if name == "industry" and page != "all":
            laid.append([Button("그 밖의 업종", "f:industry:~all")])
        if name == "founded_on" and not page:
            laid.append([Button("더 이전", "f:founded_on:~older")])
    if name not in F.REQUIRED:
        laid.append([Button("건너뛰기", f"f:{name}:~skip")])
    question = F.QUESTIONS[name]
    if name == "founded_on" and page.isdigit():
        question = f"{page}년 몇 월에 개업하셨나요?"
    if prefix := data.pop("question_prefix", None):
        question = f"{prefix}\n{question}"
    turn.say(question, laid)


def on_field_button(turn: Turn, name: str, option: str) -> None:
    """Record a pressed option of the current field and move on."""
    data = turn.state.data
    if option == "~skip" and name not in F.REQUIRED:
        data.setdefault("skipped", []).append(name)
        field_answered(turn, name)
    elif option in ("~all", "~older") or (name == "founded_on" and re.fullmatch(r"y\d{4}", option)):
        ask_field(turn, name, page=option[1:])
    elif name in F.MULTI:
        chosen: list[str] = data.setdefault("multi", [])
        if option == "~done":
            data.setdefault("draft", {})[name] = [v for v in chosen if F.value_of(name, v) is not None]
            data.pop("multi", None)
            field_answered(turn, name)
            return
        if F.value_of(name, option) is not None:
            chosen.remove(option) if option in chosen else chosen.append(option)
        ask_field(turn, name, page=data.get("page", ""))
    else:
        value = F.value_of(name, option)
        if value is None:
            ask_field(turn, name)
            return
        set_field(turn, name, value)


def on_field_text(turn: Turn, name: str, text: str) -> None:
    """Read a typed answer to the current field, or ask again with the buttons."""
    if text in ("건너뛰기", "완료") and (name not in F.REQUIRED):
        on_field_button(turn, name, "~skip" if text == "건너뛰기" or name not in F.MULTI else "~done")
        return
    value = None if name in F.MULTI else F.parse_typed(name, text, today=turn.today)
    if value is None:
        turn.state.data["question_prefix"] = NOT_UNDERSTOOD
        ask_field(turn, name, page=turn.state.data.get("page", ""))
        return
    set_field(turn, name, value)


def set_field(turn: Turn, name: str, value: Any) -> None:
    """Store one answer in the draft (a region replaces any district guessed before) and move on."""
    draft = turn.state.data.setdefault("draft", {})
    if name == "region" and draft.get("region") != value:
        draft.pop("district", None)
    if name == "status" and value == "pre_founder":
        draft.pop("founded_on", None)
    draft[name] = value
    field_answered(turn, name)


def field_answered(turn: Turn, name: str) -> None:
    """Continue after a field: the next onboarding question, the draft, or save an edit."""
    from engine.dialogue import programs

    mode = turn.state.data.get("mode", "onboard")
    if mode == "onboard":
        next_field(turn)
    elif mode == "fix":
        show_draft(turn)
    elif mode == "edit":
        if save_draft(turn, onboarded=True):
            turn.say("바꿨어요.")
            show_profile(turn)
    elif mode == "question" and name in turn.state.data.get("skipped", []):
        turn.state.reset("idle")
        turn.say("알겠어요. 나중에 /profile 에서 언제든 알려 주셔도 돼요.")
    elif mode == "question" and save_draft(turn, onboarded=True):
        turn.say("고마워요! 자격을 다시 확인했어요.")
        programs.recommend_page(turn, offset=0)


def save_draft(turn: Turn, *, onboarded: bool) -> bool:
    """Save the draft as the user's profile; on a gap, ask the missing required field and return False."""
    user = turn.user()
    draft = turn.state.data.get("draft", {})
    try:
        profile = Profile.model_validate(draft)
    except ValidationError:
        turn.state.data.update(mode="onboard", queue=[n for n in ("status", "region") if n not in draft])
        next_field(turn)
        return False
    if user is None:
        raise LookupError("a profile can only be saved after consent")
    users.save_profile(turn.db, user_id=user.id, profile=profile, now=turn.now, onboarded=onboarded)
    turn.forget_user()
    turn.state.reset("idle")
    return True


def finish_onboarding(turn: Turn) -> None:
    """Save the completed profile and offer what comes next."""
    if save_draft(turn, onboarded=True):
        turn.say(DONE, menu())


def menu() -> list[list[Button]]:
    """Return the main next steps as buttons."""
    return [
        [Button("추천 받기", "m:recommend"), Button("알림 설정", "m:alerts")],
        [Button("내 프로필", "m:profile"), Button("도움말", "m:help")],
    ]


def show_profile(turn: Turn) -> None:
    """Show the saved profile and one button per field to change it."""
    profile = turn.profile()
    if profile is None:
        resume(turn)
        return
    lines = F.profile_lines(profile.model_dump(mode="json", exclude_none=True))
    turn.say("\n".join(["내 프로필:", *lines, "", "바꿀 항목을 골라 주세요."]), field_picker())


def on_pick_field(turn: Turn, name: str) -> None:
    """Start editing one field (of the saved profile, or of the draft during onboarding)."""
    data = turn.state.data
    if name == "~done":
        turn.state.reset("idle")
        turn.say("좋아요. 프로필은 그대로예요.", menu())
        return
    if name not in F.EDITABLE:
        resume(turn)
        return
    if turn.state.step == "draft" or (turn.profile() is None and "draft" in data):
        data["mode"] = "fix"
    else:
        profile = turn.profile()
        if profile is None:
            resume(turn)
            return
        turn.state.reset("edit")
        turn.state.data.update(mode="edit", draft=profile.model_dump(mode="json", exclude_none=True))
    turn.state.data.pop("multi", None)
    ask_field(turn, name)


def resume(turn: Turn) -> None:
    """Repeat the question the conversation is waiting on (after a restart, /start or a stale button)."""
    step = turn.state.step
    if not turn.consented:
        consent_prompt(turn)
    elif step == "intro":
        ask_intro(turn)
    elif step == "draft":
        show_draft(turn)
    elif step.startswith("field:"):
        ask_field(turn, step.split(":", 1)[1], page=turn.state.data.get("page", ""))
    elif turn.profile() is None:
        ask_intro(turn)
    else:
        turn.say("무엇을 도와 드릴까요? 궁금한 것을 편하게 물어보셔도 돼요.", menu())
