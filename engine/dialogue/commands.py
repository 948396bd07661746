"""The one command table and the one dispatch: commands, buttons and text go to their step handlers here.

Fronts never dispatch: they turn a transport update into an `Event` and call `respond`. Telegram's
command menu and /help are both derived from `COMMANDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine import users
from engine.dialogue import account, profile, programs
from engine.dialogue.fields import parse_typed
from engine.dialogue.state import remember_ref
from engine.dialogue.turn import Turn

STALE = programs.STALE


@dataclass(frozen=True)
class Command:
    """One command: its name, the Korean line in /help and the menu, and what it does."""

    name: str
    description: str
    run: Callable[[Turn], None]
    consent: bool = True  # needs 개인정보 수집·이용 동의 first
    operator: bool = False  # only for settings.operators.telegram_chat_ids


def _start(turn: Turn) -> None:
    if not turn.consented:
        profile.consent_prompt(turn)
    elif turn.profile() is not None:
        turn.state.reset("idle")
        turn.say("다시 오셨네요! 무엇을 도와 드릴까요?", profile.menu())
    else:
        turn.say(profile.RESUME)
        profile.resume(turn)


def _search(turn: Turn) -> None:
    if turn.event.argument:
        programs.search(turn, turn.event.argument)
    else:
        turn.state.reset("search")
        turn.say("찾을 키워드를 입력해 주세요. (예: 카페 창업, 시설자금)")


def _help(turn: Turn) -> None:
    lines = ["이렇게 쓰시면 돼요."]
    lines += [f"/{c.name} - {c.description}" for c in COMMANDS if not c.operator or turn.is_operator]
    lines.append("그 밖에 궁금한 것은 편하게 글로 물어보세요. 예) 카페 인테리어 자금 있나요?")
    turn.say("\n".join(lines))


COMMANDS: tuple[Command, ...] = (
    Command("start", "시작하기", _start, consent=False),
    Command("profile", "내 프로필 보기·바꾸기", profile.show_profile),
    Command("recommend", "맞춤 공고 추천", lambda turn: programs.recommend_page(turn, offset=0)),
    Command("search", "키워드로 공고 찾기 (예: /search 카페)", _search),
    Command("saved", "저장한 공고와 남은 날짜", programs.saved),
    Command("calendar", "저장한 공고 마감일 달력 파일", programs.calendar),
    Command("alerts", "알림 설정", account.alerts),
    Command("phone", "문자 알림용 휴대전화 등록", account.phone),
    Command("email", "이메일 알림 등록", lambda turn: account.email(turn, turn.event.argument)),
    Command("delete", "내 정보 모두 삭제", account.delete),
    Command("help", "도움말", _help, consent=False),
    Command("stats", "운영 현황", account.stats, operator=True),
    Command("broadcast", "전체 공지 보내기", account.broadcast, operator=True),
)
BY_NAME = {c.name: c for c in COMMANDS}


def run_command(turn: Turn, name: str) -> None:
    """Run a command by name (a typed command or a menu button)."""
    command = BY_NAME.get(name)
    if command is None or (command.operator and not turn.is_operator):
        turn.say("모르는 명령이에요. /help 에서 쓸 수 있는 명령을 볼 수 있어요.")
        return
    if command.consent and not turn.consented:
        profile.consent_prompt(turn)
        return
    command.run(turn)


def on_button(turn: Turn, data: str) -> None:
    """Route a pressed button; a button whose moment has passed is answered kindly."""
    head, _, rest = data.partition(":")
    args = rest.split(":") if rest else []
    step = turn.state.step
    if head == "c" and args:
        profile.on_consent(turn, args[0])
        return
    if not turn.consented:
        profile.consent_prompt(turn)
        return
    if head in ("save", "ni") and rest:  # buttons under a pushed alert carry the program key itself
        ref = remember_ref(turn.state, rest)
        (programs.save if head == "save" else programs.not_interested)(turn, ref)
    elif head == "m" and args:
        run_command(turn, args[0])
    elif head == "o" and args and step in ("intro", "draft"):
        profile.on_onboarding_button(turn, args[0])
    elif head == "f" and len(args) == 2 and step == f"field:{args[0]}":
        profile.on_field_button(turn, args[0], args[1])
    elif head == "pe" and args:
        profile.on_pick_field(turn, args[0])
    elif head in ("d", "s", "u", "n") and args:
        {"d": programs.show_detail, "s": programs.save, "u": programs.unsave, "n": programs.not_interested}[head](
            turn, args[0]
        )
    elif head == "nr" and len(args) == 2:
        programs.feedback(turn, args[0], args[1])
    elif head == "r" and args == ["more"] and "rec_offset" in turn.state.data:
        programs.recommend_page(turn, offset=int(turn.state.data["rec_offset"]))
    elif head == "a" and args:
        account.on_alert_button(turn, args)
    elif head == "x" and args and step == "delete_confirm":
        account.on_delete(turn, args[0])
    elif head == "b" and args and step == "broadcast_confirm" and turn.is_operator:
        account.on_broadcast_confirm(turn, args[0])
    else:
        turn.say(STALE)
        profile.resume(turn)


def on_text(turn: Turn, text: str) -> None:
    """Route typed text by the step the conversation is at; otherwise it is a question for `ask`."""
    step = turn.state.step
    if not turn.consented:
        profile.consent_prompt(turn)
    elif step in {"intro", "draft"}:
        profile.on_description(turn, text)
    elif step.startswith("field:"):
        name = step.split(":", 1)[1]
        if turn.state.data.get("mode") == "question" and parse_typed(name, text, today=turn.today) is None:
            turn.state.reset("idle")
            programs.ask(turn, text)
        else:
            profile.on_field_text(turn, name, text)
    elif step == "search":
        programs.search(turn, text)
    elif step == "email":
        account.on_email_address(turn, text)
    elif step == "email_code":
        account.on_email_code(turn, text)
    elif step == "broadcast" and turn.is_operator:
        account.on_broadcast_text(turn, text)
    elif turn.profile() is None:
        profile.on_description(turn, text)
    else:
        turn.state.reset("idle")
        programs.ask(turn, text)


def dispatch(turn: Turn) -> None:
    """Handle one event: attach a known user, then route by kind."""
    event = turn.event
    if turn.state.user_id is None and turn.chat_id is not None:
        known = users.find_user(turn.db, telegram_chat_id=turn.chat_id)
        if known is not None:
            turn.state.user_id = known.id
    user = turn.user()
    if user is not None and user.state != "active" and turn.chat_id is not None:
        users.get_or_create_telegram_user(turn.db, chat_id=turn.chat_id, display_name=event.display_name, now=turn.now)
        turn.forget_user()
    if event.kind == "command":
        run_command(turn, event.command)
    elif event.kind == "button":
        on_button(turn, event.data)
    elif event.kind == "contact":
        if not turn.consented:
            profile.consent_prompt(turn)
        else:
            account.on_contact(turn)
    elif event.text.strip():
        on_text(turn, event.text.strip())
