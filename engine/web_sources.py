"""Use cases of declarative web sources: seed the bundled definitions, test a definition, run one source.

Front ends (the CLI's `scrape-test`, the dashboard's test button, the job runner) call these.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import Engine

from db.models import Source
from db.session import session_scope
from engine.collectors import Collector, get_collector
from engine.collectors.web import DeclarativeCollector, SourceDefinition, load_definition
from engine.collectors.web.definitions import bundled_definitions
from engine.collectors.web.extract import parse_detail, scrape_list
from engine.errors import UnknownSource

log = logging.getLogger(__name__)


def seed_web_sources(engine: Engine) -> list[str]:
    """Insert the bundled definitions into `sources` (kind "html") where absent; return the names added."""
    added: list[str] = []
    with session_scope(engine) as session:
        for _file, payload in bundled_definitions():
            definition = load_definition(payload)
            if session.get(Source, definition.name) is not None:
                continue  # the operator may have edited it: never overwrite
            session.add(
                Source(
                    name=definition.name,
                    kind="html",
                    schedule=DeclarativeCollector.schedule,
                    config=definition.model_dump(mode="json"),
                )
            )
            added.append(definition.name)
    return added


def web_definition(engine: Engine, *, name: str) -> SourceDefinition:
    """Return the stored definition of web source `name`; UnknownSource when there is none."""
    with session_scope(engine) as session:
        row = session.get(Source, name)
        if row is None or row.kind != "html":
            raise UnknownSource(f"no web source named {name!r}")
        return load_definition(dict(row.config))


def scrape_test(definition_yaml: bytes, page: bytes, detail: bytes | None = None) -> dict[str, Any]:
    """Run a definition against saved pages: `{"rows": [...], "detail": {field: text}}` plus skipped titles."""
    definition = load_definition(definition_yaml)
    rows = scrape_list(definition, page, definition.list_url)
    out: dict[str, Any] = {
        "source": definition.name,
        "rows": [r.as_json() for r in rows if not r.skipped],
        "skipped": [{"title": r.title, "reason": r.skipped} for r in rows if r.skipped],
        "detail": {},
    }
    if detail is not None:
        parsed = parse_detail(definition, detail, base_url=definition.list_url)
        out["detail"] = dict(parsed.fields)
        out["attachments"] = [a.model_dump() for a in parsed.attachments]
    return out


def resolve_collector(engine: Engine, name: str) -> Collector:
    """Return the built-in collector `name`, else the stored web source of that name."""
    try:
        return get_collector(name)
    except UnknownSource as exc:
        try:
            return DeclarativeCollector(web_definition(engine, name=name))
        except UnknownSource:
            raise exc from None
