"""Dashboard fixtures: a migrated SQLite file named by `AEGIS_DATABASE_URL` (empty, or a copy of one populated
once per session with the demo data, users, deliveries, LLM calls and sources), a known operator password,
and a logged-in `AppTest` of streamlit_app.py.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade
from db.models import Delivery, Feedback, LLMCall, ProviderHealth
from engine.app import Aegis
from engine.auth import hash_password
from engine.inputs import load_profile
from engine.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
APP_FILE = ROOT / "streamlit_app.py"
EXAMPLES = ROOT.parent / "shared" / "contracts" / "examples"
SAMPLES = ROOT.parent / "shared" / "samples" / "localgov"
PASSWORD = "correct horse battery staple"
PASSWORD_HASH = hash_password(PASSWORD)
NOW = dt.datetime.now(dt.UTC)


def _build(url: str) -> Aegis:
    return Aegis.build(Settings(database_url=url, _env_file=None))  # type: ignore[call-arg]


def _populate(core: Aegis) -> None:
    from aegis.demo import import_demo
    from engine.sources import seed_sources
    from engine.users import import_users

    for _report in import_demo(core):
        pass
    seed_sources(core.db, core.settings)
    lines = [
        json.dumps({"profile": json.loads(p.read_text(encoding="utf-8")), "email": f"user{i}@example.com"})
        for i, p in enumerate(sorted(EXAMPLES.glob("profile-*.json")))
    ]
    report = import_users(core.db, lines=lines, now=NOW)
    assert report.new == len(lines), report.errors
    with Session(core.db) as session:
        session.add(Delivery(user_id=1, channel="email", kind="alert", dedupe_key="d1", status="sent", sent_at=NOW))
        session.add(
            Delivery(
                user_id=1,
                channel="email",
                kind="alert",
                dedupe_key="d2",
                status="dead",
                attempts=5,
                error_class="SmtpRejected",
                last_error="550 mailbox unavailable",
            )
        )
        session.add(Feedback(user_id=1, program_key="bizinfo:x", kind="down", reason="small", created_at=NOW))
        for i, (provider, outcome) in enumerate([("openai", "ok"), ("openai", "error"), ("anthropic", "ok")]):
            session.add(
                LLMCall(
                    created_at=NOW - dt.timedelta(hours=i),
                    task="explain",
                    provider=provider,
                    input_tokens=100,
                    output_tokens=50,
                    cost_usd=0.001,
                    latency_ms=100.0 * (i + 1),
                    outcome=outcome,
                )
            )
        session.add(ProviderHealth(provider="openai", circuit_state="closed", healthy=True, checked_at=NOW))
        session.commit()


@pytest.fixture(scope="session")
def populated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file populated once per test session (tests work on copies)."""
    path = tmp_path_factory.mktemp("populated") / "aegis.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    core = _build(url)
    _populate(core)
    core.db.dispose()
    return path


def _core_on(path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Aegis]:
    url = f"sqlite:///{path}"
    monkeypatch.setenv("AEGIS_DATABASE_URL", url)
    monkeypatch.setenv("AEGIS_DASHBOARD__PASSWORD_HASH", PASSWORD_HASH)
    monkeypatch.chdir(path.parent)  # data/quality.json and .streamlit/ are read relative to here
    built = _build(url)
    yield built
    built.db.dispose()
    st.cache_resource.clear()  # the app caches its core per URL; do not keep this one


@pytest.fixture
def core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Aegis]:
    """A core on a fresh, empty, migrated SQLite file that the app under test also reads."""
    path = tmp_path / "aegis.db"
    upgrade(f"sqlite:///{path}")
    yield from _core_on(path, monkeypatch)


@pytest.fixture
def populated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, populated_template: Path) -> Iterator[Aegis]:
    """A core on a copy of the populated database."""
    path = tmp_path / "aegis.db"
    shutil.copy(populated_template, path)
    yield from _core_on(path, monkeypatch)


def log_in(app: AppTest, password: str = PASSWORD) -> AppTest:
    """Type the password into the login form and submit it."""
    app.text_input(key="login_password").input(password)
    app.get("form_submit_button")[0].click()
    return app.run()


@pytest.fixture
def app() -> Callable[..., AppTest]:
    """Return a factory of a logged-in AppTest, switched to `page` when given (e.g. "programs")."""

    def make(page: str | None = None, *, login: bool = True) -> AppTest:
        at = AppTest.from_file(str(APP_FILE), default_timeout=60)
        at.run()
        if login:
            log_in(at)
            assert not at.exception, at.exception
            assert not at.header or at.header[0].value != "로그인", [e.value for e in at.error]
        if page is not None:
            at.switch_page(f"dashboard/pages/{page}.py")
            at.run()
        return at

    return make


@pytest.fixture
def cafe_profile() -> Path:
    """The contract's example profile of a café in Seoul."""
    load_profile(EXAMPLES / "profile-cafe.json")  # valid, or the examples changed
    return EXAMPLES / "profile-cafe.json"
