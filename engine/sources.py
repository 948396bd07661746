"""The `sources` table as the job runner sees it: which sources exist, which are on, and when they run.

Built-in collectors with a schedule get a row (switched on once their key is set); bundled web
definitions are seeded switched off until an operator has tested them (`aegis scrape-test`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db.models import Source
from db.session import session_scope
from engine.collectors import collector_class, collector_names, configured_key, scheduled_collectors
from engine.settings import Settings
from engine.web_sources import seed_web_sources


@dataclass(frozen=True)
class Schedule:
    """One enabled source and its cron expression."""

    name: str
    cron: str


def _runnable(settings: Settings, name: str, kind: str) -> bool:
    """Return whether source `name` may run on a schedule: it has one, and its key when it needs one."""
    cls = collector_class(name)
    if cls is None:
        return kind == "html"  # a declarative web source: public pages, no key
    return cls.schedule is not None and (cls.key_setting is None or configured_key(cls, settings.sources) is not None)


def seed_sources(engine: Engine, settings: Settings) -> list[str]:
    """Add rows for the scheduled collectors and the bundled web definitions where absent; return the names added."""
    added: list[str] = []
    with session_scope(engine) as session:
        for cls, cron in scheduled_collectors():
            if session.get(Source, cls.name) is None:
                enabled = _runnable(settings, cls.name, cls.kind)
                session.add(Source(name=cls.name, kind=cls.kind, schedule=cron, enabled=enabled))
                added.append(cls.name)
    web = seed_web_sources(engine)
    with session_scope(engine) as session:
        for name in web:
            row = session.get(Source, name)
            if row is not None:
                row.enabled = False  # unverified definitions: an operator turns them on after a scrape test
    return added + web


def enabled_schedules(engine: Engine, settings: Settings) -> list[Schedule]:
    """Return the sources to collect on a schedule: enabled, schedulable, and with a key where one is needed."""
    with Session(engine) as session:
        rows = session.exec(select(Source).where(col(Source.enabled)).order_by(col(Source.name))).all()
    return [Schedule(name=row.name, cron=row.schedule) for row in rows if _runnable(settings, row.name, row.kind)]


@dataclass(frozen=True)
class SourceView:
    """One source as an operator sees it: name, Korean label, track, switch, schedule and last run."""

    name: str
    label: str
    kind: str  # api | html | catalog
    enabled: bool
    schedule: str | None  # cron (Asia/Seoul); None: imported by hand only
    runnable: bool  # would run on its schedule now (enabled, scheduled, key set where one is needed)
    last_run_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_error_class: str | None


def list_sources(engine: Engine, settings: Settings) -> list[SourceView]:
    """Return every source — each registered collector and each stored web source — seeding absent rows first."""
    seed_sources(engine, settings)
    with Session(engine) as session:
        rows = {row.name: row for row in session.exec(select(Source)).all()}
    views: list[SourceView] = []
    for name in sorted(set(rows) | set(collector_names())):
        row, cls = rows.get(name), collector_class(name)
        config_label = row.config.get("label") if row is not None and isinstance(row.config, dict) else None
        label = cls.label if cls is not None else config_label if isinstance(config_label, str) else name
        kind = row.kind if row is not None else cls.kind if cls is not None else "api"
        views.append(
            SourceView(
                name=name,
                label=label,
                kind=kind,
                enabled=row.enabled if row is not None else False,
                schedule=row.schedule if row is not None else None,
                runnable=row is not None and row.enabled and _runnable(settings, name, kind),
                last_run_at=row.last_run_at if row is not None else None,
                last_success_at=row.last_success_at if row is not None else None,
                last_error_class=row.last_error_class if row is not None else None,
            )
        )
    return views
