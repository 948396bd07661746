"""The login gate: a password checked against AEGIS_DASHBOARD__PASSWORD_HASH, or OIDC through st.login.

Nothing of the service shows before login. Sessions last `dashboard.session_minutes` (also over an
identity provider's 30-day cookie); failed logins are throttled per client, logged and audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import streamlit as st

from dashboard.common import LOGIN_KEY, utcnow
from engine.app import Aegis
from engine.auth import LoginThrottle, attempt_login, email_admitted, session_expired
from engine.overrides import audit

log = logging.getLogger(__name__)

NOT_CONFIGURED = (
    "로그인이 설정되지 않았습니다. `aegis dashboard`로 실행하면 일회용 비밀번호가 터미널에 표시됩니다. "
    "고정 비밀번호는 `aegis hash-password`로 만든 값을 AEGIS_DASHBOARD__PASSWORD_HASH에 설정하세요."
)
WRONG_PASSWORD = "비밀번호가 올바르지 않습니다."
EXPIRED = "세션이 만료되었습니다. 다시 로그인해 주세요."


@st.cache_resource(show_spinner=False)
def _throttle(max_failures: int) -> LoginThrottle:
    """One throttle per process, shared by every browser session."""
    return LoginThrottle(max_failures=max_failures)


def _client() -> str:
    try:
        ip = st.context.ip_address
    except Exception:  # outside a browser session (tests) there is no client address
        ip = None
    return ip if isinstance(ip, str) and ip else "local"


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: Streamlit raises rather than answering False
        return False


def _audit(core: Aegis, *, actor: str, action: str, detail: dict[str, Any], ready: bool) -> None:
    if ready:
        audit(core.db, actor=actor, action=action, detail=detail)


def logged_in(core: Aegis, *, ready: bool) -> bool:
    """Return whether this browser session belongs to a logged-in operator (expiring old sessions)."""
    settings = core.settings.dashboard
    login = st.session_state.get(LOGIN_KEY)
    if _oidc_configured() and st.user.is_logged_in:
        email = str(st.user.get("email") or "")
        if not email_admitted(email, settings.operator_emails):
            return False
        if not login or login.get("who") != email:
            issued = st.user.get("iat")
            at = dt.datetime.fromtimestamp(int(issued), dt.UTC) if isinstance(issued, int | float) else utcnow()
            login = {"who": email, "at": at, "via": "oidc"}
            st.session_state[LOGIN_KEY] = login
            _audit(core, actor=f"dashboard:{email}", action="dashboard.login", detail={"via": "oidc"}, ready=ready)
    if not login:
        return False
    if session_expired(login["at"], now=utcnow(), minutes=settings.session_minutes):
        st.session_state.pop(LOGIN_KEY, None)
        st.session_state["aegis_expired"] = True
        if login.get("via") == "oidc":
            st.logout()
        return False
    return True


def render_login(core: Aegis, *, ready: bool) -> None:
    """Show the login form (and the SSO button when OIDC is configured), nothing else."""
    settings = core.settings.dashboard
    password_hash = settings.password_hash.get_secret_value() if settings.password_hash else ""
    oidc = _oidc_configured()
    st.header("로그인")
    if st.session_state.pop("aegis_expired", False):
        st.warning(EXPIRED)
    if not password_hash and not oidc:
        st.error(NOT_CONFIGURED)
        return
    if oidc:
        if st.user.is_logged_in and not email_admitted(str(st.user.get("email") or ""), settings.operator_emails):
            st.error("운영자로 등록되지 않은 계정입니다.")
            if st.button("로그아웃"):
                st.logout()
        elif st.button("SSO로 로그인", type="primary"):
            st.login()
    if password_hash:
        with st.form("login", clear_on_submit=True):
            password = st.text_input("비밀번호", type="password", key="login_password")
            submitted = st.form_submit_button("로그인", type="primary")
        if submitted:
            _check_password(core, password=password, password_hash=password_hash, ready=ready)


def _check_password(core: Aegis, *, password: str, password_hash: str, ready: bool) -> None:
    client = _client()
    outcome = attempt_login(
        password=password,
        password_hash=password_hash,
        throttle=_throttle(core.settings.dashboard.max_failed_logins),
        client=client,
        now=utcnow(),
    )
    if outcome.admitted:
        st.session_state[LOGIN_KEY] = {"who": "operator", "at": utcnow(), "via": "password"}
        _audit(core, actor="dashboard:operator", action="dashboard.login", detail={"client": client}, ready=ready)
        st.rerun()
    if outcome.wait_s > 0:
        log.warning("dashboard login refused: %s is throttled", client)
        st.error(f"로그인 실패가 너무 많습니다. {max(1, round(outcome.wait_s / 60))}분 후 다시 시도해 주세요.")
        return
    log.warning("dashboard login failed from %s (%d recent failures)", client, outcome.failures)
    _audit(
        core,
        actor=f"anonymous:{client}",
        action="dashboard.login_failed",
        detail={"failures": outcome.failures},
        ready=ready,
    )
    st.error(WRONG_PASSWORD)


def render_logout() -> None:
    """Show who is logged in, until when, and a logout button (in the sidebar)."""
    login = st.session_state.get(LOGIN_KEY) or {}
    st.sidebar.caption(f"로그인: {login.get('who', '-')}")
    if st.sidebar.button("로그아웃"):
        st.session_state.pop(LOGIN_KEY, None)
        if login.get("via") == "oidc":
            st.logout()
        st.rerun()
