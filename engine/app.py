"""The core object handed to every front end: settings, database, collectors and use cases.

Built once per entry point by `Aegis.build(settings)`; nothing here is wired at import time. Front
ends (CLI, bot, dashboard, jobs) call these keyword-only use cases and never touch SQL or HTTP.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.engine import Engine

from db.session import make_engine
from engine.domain import Profile
from engine.errors import InvalidInput
from engine.recommend import ProgramCatalog
from engine.settings import Settings

if TYPE_CHECKING:
    from engine.gateway import Gateway
    from engine.ingest import RunReport
    from engine.matching import Match
    from engine.onboarding import ProfileDraft

log = logging.getLogger(__name__)


@dataclass
class Aegis:
    """Everything a front end needs, built once: settings, the DB engine and lazily the gateway."""

    settings: Settings
    db: Engine
    catalog: ProgramCatalog = field(init=False)
    _gateway: Gateway | None = field(default=None, init=False, repr=False)
    _base_settings: Settings = field(init=False, repr=False)
    _overrides_seen: tuple[int, str | None] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.catalog = ProgramCatalog(self.db)
        self._base_settings = self.settings

    def reload_settings(self) -> bool:
        """Apply operators' stored overrides when they changed since the last call; return whether they did.

        Long-running processes (job runner, bot, dashboard) call this periodically, so a change made in
        the dashboard takes effect without a restart. The gateway is rebuilt on its next use.
        """
        from engine.overrides import effective_settings, overrides_version

        version = overrides_version(self.db)
        if version == self._overrides_seen:
            return False
        first = self._overrides_seen is None
        self._overrides_seen = version
        settings = effective_settings(self._base_settings, self.db)
        if first and settings == self.settings:
            return False
        self.settings = settings
        self._gateway = None
        log.info("settings reloaded from the database (%d overrides)", version[0])
        return True

    def set_setting(self, *, key: str, value: Any, actor: str) -> None:
        """Store an operator's override (validated, audited) and apply it to this process at once."""
        from engine.overrides import set_setting

        set_setting(self.db, base=self._base_settings, key=key, value=value, actor=actor)
        self.reload_settings()

    @classmethod
    def build(cls, settings: Settings | None = None) -> Aegis:
        """Build the core from settings (read from the environment when not given)."""
        settings = settings or load_settings()
        return cls(settings=settings, db=make_engine(settings.database_url))

    @property
    def tz(self) -> ZoneInfo:
        """Return the zone used at the edges (Asia/Seoul)."""
        return ZoneInfo(self.settings.timezone)

    def today(self) -> dt.date:
        """Return today's date in Asia/Seoul."""
        return dt.datetime.now(self.tz).date()

    @property
    def gateway(self) -> Gateway:
        """Return the LLM gateway, built on first use (LiteLLM stays unimported until a call needs it)."""
        if self._gateway is None:
            from engine.gateway import Gateway

            self._gateway = Gateway.from_settings(self.settings.llm, engine=self.db)
        return self._gateway

    @property
    def llm_configured(self) -> bool:
        """Return whether any remote LLM provider is configured (without building the gateway)."""
        return bool(self.settings.llm.present_providers())  # the gateway package stays unimported

    def import_payload(self, *, source: str, payload: bytes, **options: Any) -> RunReport:
        """Parse a saved payload of `source` and store it through the same path as live collection."""
        # Collectors (HTTP, parsers, Kiwi) load only for imports: recommend and search start faster.
        from engine.ingest import ingest
        from engine.web_sources import resolve_collector

        collector = resolve_collector(self.db, source)
        batch = collector.parse(payload, **options)
        return ingest(self.db, batch, now=dt.datetime.now(dt.UTC), mode="import")  # short, retried writes

    def recommend(
        self, *, profile: Profile, as_of: dt.date, top: int = 10, include_ineligible: bool = False
    ) -> dict[str, Any]:
        """Return recommendations for a profile (contract: recommend-output.schema.json)."""
        from engine.recommend import recommend

        polish = None
        if self.llm_configured:
            from engine.language import polish_explanations

            def polish(matches: list[Match], prof: Profile) -> list[str]:
                return polish_explanations(self.gateway, matches, prof)

        return recommend(
            catalog=self.catalog,
            profile=profile,
            as_of=as_of,
            top=top,
            include_ineligible=include_ineligible,
            polish=polish,
        )

    def search(self, *, query: str, as_of: dt.date, top: int = 10) -> dict[str, Any]:
        """Return free-text search results over open, always-open and upcoming programs."""
        from engine.recommend import search

        return search(catalog=self.catalog, query=query, as_of=as_of, top=top)

    def draft_profile(self, *, text: str) -> ProfileDraft:
        """Propose profile fields from a user's own words (confirmed by the user before anything is saved)."""
        from engine.onboarding import draft_profile

        return draft_profile(text, today=self.today(), gateway=self.gateway if self.llm_configured else None)

    def check_source(self, name: str) -> None:
        """Raise UnknownSource unless `name` is a built-in collector or a stored web source."""
        from engine.web_sources import resolve_collector

        resolve_collector(self.db, name)

    def ask(self, *, question: str, profile: Profile | None, as_of: dt.date) -> dict[str, Any]:
        """Answer a funding question with cited programs (offline when no LLM answers)."""
        from engine.ask import ask

        answerer = None
        if self.llm_configured:
            from engine.language import gateway_answerer

            answerer = gateway_answerer(self.gateway)
        return ask(catalog=self.catalog, question=question, profile=profile, as_of=as_of, answerer=answerer)


def load_settings() -> Settings:
    """Read the settings from the environment and `.env`; an invalid value is bad input, in one line."""
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        env_name = "AEGIS_" + "__".join(str(p).upper() for p in first["loc"])
        raise InvalidInput(
            f"invalid setting {env_name}: {first['msg']}",
            user_message=f"설정값을 확인해 주세요: {env_name} (AEGIS_* 환경 변수, .env)",
        ) from exc
    except ValueError as exc:
        raise InvalidInput(
            f"configuration error: {exc}", user_message="설정값(AEGIS_* 환경 변수, .env)을 확인해 주세요."
        ) from exc
    if settings.vault.url:  # secrets the environment left unset come from Vault (engine/ops/vault.py)
        from engine.ops.vault import apply_vault

        settings = apply_vault(settings)
    return settings


def build_core(settings: Settings | None = None) -> Aegis:
    """Build the core object once per entry point (the one composition root of every front end)."""
    from engine.logs import configure_logging

    settings = settings or load_settings()
    configure_logging(settings)  # level, format and redaction from the settings, before anything logs
    return Aegis.build(settings)
