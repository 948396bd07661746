"""봇 미리보기: chat with the bot's own dialogue state machine (`engine.dialogue.respond`) inside the page.

The conversation key is `preview:<random id>`, so a preview never touches a real user's chat state.
Replies are plain text (st.text); buttons become page buttons, links link buttons, files downloads.
"""

from __future__ import annotations

import secrets
from typing import Any

import streamlit as st

from dashboard.common import run_page, utcnow
from engine.app import Aegis
from engine.dialogue import Event, Reply, respond

HISTORY_KEY = "preview_history"
CONVERSATION_KEY = "preview_conversation"
PREVIEW_USER_ID = 1  # the operator at the preview owns any phone number they type
CONTACT_PHONE_KEY = "preview_phone"


def _new_conversation() -> None:
    st.session_state[CONVERSATION_KEY] = f"preview:{secrets.token_hex(6)}"
    st.session_state[HISTORY_KEY] = []


def _send(core: Aegis, event: Event, *, said: str | None = None) -> None:
    history: list[dict[str, Any]] = st.session_state[HISTORY_KEY]
    if said:
        history.append({"role": "user", "text": said, "replies": []})
    replies = respond(core, conversation=st.session_state[CONVERSATION_KEY], event=event, now=utcnow())
    history.append({"role": "assistant", "text": "", "replies": replies})


def _render_reply(core: Aegis, reply: Reply, *, index: str, live: bool) -> None:
    st.text(reply.text)  # plain text: replies carry program titles, never markdown
    if reply.file is not None:
        st.download_button(reply.file.name, reply.file.content, file_name=reply.file.name, mime=reply.file.mime)
    if not live:
        return
    for r, row in enumerate(reply.buttons):
        cols = list(st.columns(max(1, len(row))))
        for c, button in enumerate(row):
            key = f"btn_{index}_{r}_{c}"
            if button.kind == "url":
                cols[c].link_button(button.label, button.data)
            elif button.kind == "contact":
                phone = cols[c].text_input(button.label, key=CONTACT_PHONE_KEY, placeholder="010-1234-5678")
                if phone and cols[c].button("보내기", key=key):
                    event = Event(
                        kind="contact", contact_phone=phone, contact_user_id=PREVIEW_USER_ID, sender_id=PREVIEW_USER_ID
                    )
                    _send(core, event, said=f"📱 {phone}")
                    st.rerun()
            elif cols[c].button(button.label, key=key):
                _send(core, Event(kind="button", data=button.data, sender_id=PREVIEW_USER_ID), said=button.label)
                st.rerun()


def render(core: Aegis) -> None:
    """Render the chat: the history, the last replies' buttons and the input box."""
    st.title("봇 미리보기")
    st.caption("텔레그램 봇과 같은 대화 엔진입니다. 이 대화는 미리보기 전용 대화로 저장됩니다.")
    if CONVERSATION_KEY not in st.session_state:
        _new_conversation()
    if st.button("새 대화", key="preview_reset"):
        _new_conversation()
    if not st.session_state[HISTORY_KEY]:
        _send(core, Event(kind="command", text="/start", sender_id=PREVIEW_USER_ID, display_name="미리보기"))
    history = st.session_state[HISTORY_KEY]
    for i, message in enumerate(history):
        with st.chat_message(message["role"]):
            if message["role"] == "user":
                st.text(message["text"])
            for j, reply in enumerate(message["replies"]):
                _render_reply(core, reply, index=f"{i}_{j}", live=i == len(history) - 1)
    said = st.chat_input("메시지를 입력하세요", key="preview_input")
    if said:
        event = Event(kind="command" if said.startswith("/") else "text", text=said, sender_id=PREVIEW_USER_ID)
        _send(core, event, said=said)
        st.rerun()


if __name__ == "__main__":
    run_page(render)
