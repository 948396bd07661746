"""The account side of the dialogue: alert settings, phone and email, deletion, and operators' commands."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import Session, col, func, select

from db.models import Delivery, Program, SavedProgram, User
from engine import choices, users
from engine.dialogue.model import Button
from engine.dialogue.state import delete_state
from engine.dialogue.turn import Turn
from engine.errors import InvalidInput

CHANNEL_NAMES = {"telegram": "텔레그램", "email": "이메일", "sms": "문자"}
DIGEST_HOURS = (8, 9, 12, 18, 21)
DELETE_ASK = (
    "정말 모든 정보를 삭제할까요?\n"
    "프로필, 저장한 공고, 의견, 알림 기록, 연락처, 대화 기록이 모두 지워지고 되돌릴 수 없어요."
)
DELETED = "모든 정보를 삭제했어요. 그동안 고마웠어요. 다시 쓰시려면 언제든 /start 를 보내 주세요."


def alerts(turn: Turn, *, changed: bool = False) -> None:
    """Show the alert settings with a button for each change."""
    user = turn.user()
    if user is None:
        turn.say("먼저 /start 로 시작해 주세요.")
        return
    prefs = choices.get_alert_preferences(turn.db, user_id=user.id)
    verified = [c.channel for c in user.contacts if c.verified]
    active = [c for c in (prefs.channels if prefs.channels is not None else verified) if c in verified]
    default_quiet = turn.core.settings.alerts.quiet_hours
    quiet = prefs.quiet_hours or default_quiet
    lines = [
        "알림 설정을 바꿨어요." if changed else "알림 설정이에요.",
        f"- 알림: {'켜짐' if prefs.enabled else '꺼짐'}",
        "- 받는 방식: "
        + ("새 공고가 나오면 바로" if prefs.mode == "immediate" else f"하루 한 번 {prefs.digest_hour}시에 모아서"),
        f"- 방해 금지 시간: {_quiet_text(quiet)}",
        f"- 기준: {'확인 필요 포함' if prefs.include_unknown else '자격 충족만'}",
        f"- 받는 곳: {', '.join(CHANNEL_NAMES[c] for c in active) or '없음'}",
    ]
    buttons: list[list[Button]] = [[Button("완료", "a:done")]]
    buttons.append([Button("알림 끄기", "a:off")] if prefs.enabled else [Button("알림 켜기", "a:on")])
    buttons.append([Button("바로 받기", "a:m:i"), Button("하루 한 번 모아 받기", "a:m:d")])
    if prefs.mode == "digest":
        buttons.append([Button(("✔ " if h == prefs.digest_hour else "") + f"{h}시", f"a:h:{h}") for h in DIGEST_HOURS])
    buttons.append([Button("방해 금지 22~08시", "a:q:22-08"), Button("방해 금지 끄기", "a:q:off")])
    buttons.append([Button("자격 충족만", "a:s:0"), Button("확인 필요 포함", "a:s:1")])
    buttons.append(
        [
            Button(("✔ " if c in active else "") + CHANNEL_NAMES[c], f"a:c:{c}")
            for c in ("telegram", "email", "sms")
            if c in verified
        ]
    )
    extra = [Button("이메일 등록", "m:email")] if "email" not in verified else []
    extra += [Button("휴대전화 등록", "m:phone")] if "sms" not in verified else []
    if extra:
        buttons.append(extra)
    turn.say("\n".join(lines), buttons)


def _quiet_text(quiet: str) -> str:
    if quiet == "off":
        return "없음"
    start, end = quiet.split("-")
    return f"{int(start)}시~{int(end)}시"


def on_alert_button(turn: Turn, args: list[str]) -> None:
    """Apply one alert-settings button and show the settings again."""
    user = turn.user()
    if user is None:
        turn.say("먼저 /start 로 시작해 주세요.")
        return
    change: dict[str, object] = {}
    head = args[0] if args else ""
    value = args[1] if len(args) > 1 else ""
    if head == "done":
        turn.say("알림 설정을 마쳤어요.")
        return
    if head in ("on", "off"):
        change["enabled"] = head == "on"
    elif head == "m" and value in ("i", "d"):
        change["mode"] = "immediate" if value == "i" else "digest"
    elif head == "h" and value.isdigit() and int(value) in DIGEST_HOURS:
        change["digest_hour"] = int(value)
    elif head == "q" and value in ("22-08", "off"):
        change["quiet_hours"] = value
    elif head == "s" and value in ("0", "1"):
        change["include_unknown"] = value == "1"
    elif head == "c" and value in CHANNEL_NAMES:
        prefs = choices.get_alert_preferences(turn.db, user_id=user.id)
        verified = [c.channel for c in user.contacts if c.verified]
        current = [c for c in (prefs.channels if prefs.channels is not None else verified) if c in verified]
        change["channels"] = [c for c in current if c != value] if value in current else [*current, value]
    else:
        turn.say("이 버튼은 오래되어 더 이상 쓸 수 없어요.")
        alerts(turn)
        return
    choices.set_alert_preferences(turn.db, user_id=user.id, now=turn.now, **change)
    alerts(turn, changed=True)


def phone(turn: Turn) -> None:
    """Ask for the phone number through the share-contact button."""
    turn.state.reset("phone")
    turn.say(
        "문자 알림을 받으시려면 아래 '내 번호 보내기'를 눌러 주세요. 번호는 알림에만 써요.",
        [[Button("내 번호 보내기", kind="contact")]],
    )


def on_contact(turn: Turn) -> None:
    """Accept a shared contact only when it is the sender's own (anyone can forward a contact card)."""
    event = turn.event
    user = turn.user()
    if user is None:
        turn.say("먼저 /start 로 시작해 주세요.", remove_keyboard=True)
        return
    if event.contact_user_id is None or event.sender_id is None or event.contact_user_id != event.sender_id:
        turn.say("본인 번호만 등록할 수 있어요. '내 번호 보내기' 버튼을 눌러 주세요.")
        return
    try:
        users.add_contact(
            turn.db, user_id=user.id, channel="sms", address=event.contact_phone or "", verified=True, now=turn.now
        )
    except InvalidInput as exc:
        turn.say(exc.user_message, remove_keyboard=True)
        return
    turn.forget_user()
    turn.state.reset("idle")
    turn.say("휴대전화 번호를 등록했어요. 알림 설정(/alerts)에서 문자 알림을 켜고 끌 수 있어요.", remove_keyboard=True)


def email(turn: Turn, address: str = "") -> None:
    """Ask for an email address (or take it from '/email 주소')."""
    if address:
        on_email_address(turn, address)
        return
    turn.state.reset("email")
    turn.say("알림을 받을 이메일 주소를 입력해 주세요.")


def on_email_address(turn: Turn, address: str) -> None:
    """Store the address unverified and queue the verification mail."""
    user = turn.user()
    if user is None:
        turn.say("먼저 /start 로 시작해 주세요.")
        return
    try:
        users.start_email_verification(
            turn.db, user_id=user.id, email=address, now=turn.now, public_url=turn.core.settings.alerts.public_url
        )
    except InvalidInput as exc:
        turn.state.reset("email")
        turn.say(f"{exc.user_message} 다시 입력해 주세요.")
        return
    turn.state.reset("email_code")
    turn.say("인증 메일을 보낼게요. 메일에 있는 6자리 숫자를 여기에 입력해 주세요.")


def on_email_code(turn: Turn, code: str) -> None:
    """Check the code from the verification mail."""
    user = turn.user()
    if user is not None and users.verify_email(turn.db, user_id=user.id, code=code, now=turn.now):
        turn.state.reset("idle")
        turn.say("이메일 인증을 마쳤어요. 이제 이메일로도 알림을 받을 수 있어요.")
        return
    turn.say("번호가 맞지 않거나 시간이 지났어요. 다시 입력하거나 /email 로 새 메일을 받아 주세요.")


def delete(turn: Turn) -> None:
    """Ask for confirmation before erasing everything."""
    turn.state.reset("delete_confirm")
    turn.say(DELETE_ASK, [[Button("삭제", "x:y"), Button("취소", "x:n")]])


def on_delete(turn: Turn, answer: str) -> None:
    """Erase the user and the conversation (삭제), or keep everything (취소)."""
    if answer != "y":
        turn.state.reset("idle")
        turn.say("삭제하지 않았어요. 모든 정보가 그대로예요.")
        return
    if turn.state.user_id is not None:
        users.delete_user(turn.db, user_id=turn.state.user_id)
    delete_state(turn.db, key=turn.state.key)
    turn.state.user_id = None
    turn.state.stored = False
    turn.state.reset("deleted")
    turn.state.data = {}
    turn.say(DELETED, remove_keyboard=True)


def stats(turn: Turn) -> None:
    """Operators: counts of users, profiles, saved programs and Telegram deliveries."""
    with Session(turn.db) as session:

        def count(query: Any) -> int:
            return int(session.execute(query).scalar_one())

        total = count(select(func.count()).select_from(User))
        active = count(select(func.count()).select_from(User).where(User.state == "active"))
        onboarded = count(select(func.count()).select_from(User).where(col(User.onboarded_at).is_not(None)))
        saved_n = count(select(func.count()).select_from(SavedProgram))
        programs = count(select(func.count()).select_from(Program))
        grouped = session.execute(select(Delivery.status, func.count()).group_by(col(Delivery.status))).all()
        by_status = {str(status): int(n) for status, n in grouped}
    turn.say(
        "운영 현황이에요.\n"
        f"- 사용자: {total:,}명 (활성 {active:,}명, 프로필 완료 {onboarded:,}명)\n"
        f"- 저장된 공고: {saved_n:,}건 / 보관 중인 공고: {programs:,}건\n"
        f"- 알림 발송: 대기 {by_status.get('pending', 0):,} · 완료 {by_status.get('sent', 0):,} · "
        f"실패 {by_status.get('failed', 0) + by_status.get('dead', 0):,}"
    )


def broadcast(turn: Turn) -> None:
    """Operators: ask for the text of a broadcast."""
    turn.state.reset("broadcast")
    turn.say("모든 활성 사용자에게 보낼 내용을 입력해 주세요.")


def on_broadcast_text(turn: Turn, text: str) -> None:
    """Show a preview and ask for confirmation."""
    turn.state.step = "broadcast_confirm"
    turn.state.data["broadcast"] = text
    count = len(_broadcast_chats(turn))
    turn.say(
        f"미리보기예요.\n\n{text}\n\n활성 사용자 {count:,}명에게 보낼까요?",
        [[Button("보내기", "b:y"), Button("취소", "b:n")]],
    )


def on_broadcast_confirm(turn: Turn, answer: str) -> None:
    """Queue the broadcast in the outbox (the bot delivers it at Telegram's pace), or cancel."""
    text = str(turn.state.data.get("broadcast", ""))
    turn.state.reset("idle")
    if answer != "y" or not text:
        turn.say("보내지 않았어요.")
        return
    stamp = hashlib.sha1(f"{turn.now.isoformat()}:{text}".encode()).hexdigest()[:12]
    chats = _broadcast_chats(turn)
    with Session(turn.db) as session:
        for user_id, chat_id in chats:
            session.add(
                Delivery(
                    user_id=user_id,
                    channel="telegram",
                    address=str(chat_id),
                    kind="broadcast",
                    dedupe_key=f"broadcast:{stamp}",
                    payload={"kind": "broadcast", "text": text},
                    available_at=turn.now,
                    created_at=turn.now,
                )
            )
        session.commit()
    turn.say(f"{len(chats):,}명에게 보내도록 맡겼어요. 텔레그램 속도 제한에 맞춰 차례로 보내요.")


def _broadcast_chats(turn: Turn) -> list[tuple[int, int]]:
    with Session(turn.db) as session:
        rows = session.execute(
            select(User.id, User.telegram_chat_id).where(
                User.state == "active", col(User.consented_at).is_not(None), col(User.telegram_chat_id).is_not(None)
            )
        ).all()
    return [(int(uid), int(chat)) for uid, chat in rows]
