"""The `sources` table as the job runner sees it: which sources exist, which are on, and when they run.

Built-in API collectors are present once their key is configured; bundled web definitions are seeded
switched off until an operator has tested them (`aegis scrape-test`) and turned them on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Source
from db.session import session_scope
from engine.settings import Settings
from engine.web_sources import seed_web_sources

# Default schedules (cron, Asia/Seoul): staggered so two sources never start in the same minute.
API_SCHEDULES = {"bizinfo": "10 */3 * * *", "kstartup": "25 */3 * * *", "gov24": "40 6 * * *"}


@dataclass(frozen=True)
class Schedule:
    """One enabled source and its cron expression."""

    name: str
    cron: str


def _key_configured(settings: Settings, name: str) -> bool:
    keys = settings.sources
    secret = {
        "bizinfo": keys.bizinfo_api_key,
        "kstartup": keys.datagokr_service_key,
        "gov24": keys.odcloud_api_key,
    }.get(name)
    return secret is not None and bool(secret.get_secret_value().strip())


def seed_sources(engine: Engine, settings: Settings) -> list[str]:
    """Add rows for the API collectors and the bundled web definitions where absent; return the names added."""
    added: list[str] = []
    with session_scope(engine) as session:
        for name, cron in API_SCHEDULES.items():
            if session.get(Source, name) is None:
                session.add(Source(name=name, kind="api", schedule=cron, enabled=_key_configured(settings, name)))
                added.append(name)
    web = seed_web_sources(engine)
    with session_scope(engine) as session:
        for name in web:
            row = session.get(Source, name)
            if row is not None:
                row.enabled = False  # unverified definitions: an operator turns them on after a scrape test
    return added + web


def enabled_schedules(engine: Engine, settings: Settings) -> list[Schedule]:
    """Return the sources to collect on a schedule: enabled, and (for API sources) with a key."""
    with Session(engine) as session:
        rows = session.exec(select(Source).where(col(Source.enabled)).order_by(col(Source.name))).all()
    return [
        Schedule(name=row.name, cron=row.schedule)
        for row in rows
        if row.kind != "catalog" and (row.kind != "api" or _key_configured(settings, row.name))
    ]
