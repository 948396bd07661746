"""봇 미리보기: chat with the bot's own dialogue state machine (`engine.dialogue.respond`) inside the page.

The conversation key is `preview:<session>`, so a preview never touches a real user's chat state.
"""

from __future__ import annotations

import importlib
import secrets
from types import ModuleType
from typing import Any

import streamlit as st

from dashboard.common import run_page, utcnow
from engine.app import Aegis

HISTORY_KEY = "preview_history"
CONVERSATION_KEY = "preview_conversation"


def _dialogue() -> ModuleType | None:
    try:
        return importlib.import_module("engine.dialogue")
    except ImportError:
        return None


def _send(core: Aegis, dialogue: ModuleType, *, kind: str, text: str = "", data: str | None = None) -> None:
    history: list[dict[str, Any]] = st.session_state.setdefault(HISTORY_KEY, [])
    if text:
        history.append({"role": "user", "text": text, "buttons": []})
    event = dialogue.Event(kind=kind, text=text, data=data, sender_id="preview", display_name="미리보기")
    replies = dialogue.respond(core, conversation=st.session_state[CONVERSATION_KEY], event=event, now=utcnow())
    for reply in replies:
        buttons = [[(b.label, b.data, b.kind) for b in row] for row in (reply.buttons or [])]
        history.append({"role": "assistant", "text": reply.text, "buttons": buttons})


def render(core: Aegis) -> None:
    """Render the chat: the history, the last reply's buttons and the input box."""
    st.title("봇 미리보기")
    dialogue = _dialogue()
    if dialogue is None:
        st.info("봇 대화 엔진(engine.dialogue)이 아직 없습니다. 준비되면 이 화면에서 봇과 똑같이 대화할 수 있습니다.")
        return
    if CONVERSATION_KEY not in st.session_state:
        st.session_state[CONVERSATION_KEY] = f"preview:{secrets.token_hex(6)}"
    if st.button("새 대화", key="preview_reset"):
        st.session_state[CONVERSATION_KEY] = f"preview:{secrets.token_hex(6)}"
        st.session_state[HISTORY_KEY] = []
    if not st.session_state.get(HISTORY_KEY):
        _send(core, dialogue, kind="command", text="/start")
    history = st.session_state[HISTORY_KEY]
    for i, message in enumerate(history):
        with st.chat_message(message["role"]):
            st.text(message["text"])  # plain text: the bot's replies carry program titles
            if i == len(history) - 1:
                for r, row in enumerate(message["buttons"]):
                    cols = st.columns(max(1, len(row)))
                    for c, (label, data, kind) in enumerate(row):
                        if kind == "url":
                            cols[c].link_button(label, data or "")
                        elif cols[c].button(label, key=f"btn_{i}_{r}_{c}"):
                            _send(core, dialogue, kind="button", data=data)
                            st.rerun()
    said = st.chat_input("메시지를 입력하세요", key="preview_input")
    if said:
        _send(core, dialogue, kind="text", text=said)
        st.rerun()


if __name__ == "__main__":
    run_page(render)
