"""SQLModel tables. Schema changes go through Alembic migrations (db/migrations); create_all only in tests.

Datetimes are timezone-aware UTC (`UTCDateTime`); JSON columns are JSONB on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from db.types import JSONType, UTCDateTime, utcnow


def _json(default: Any = None, *, nullable: bool = True) -> Any:
    factory = (lambda: list(default)) if isinstance(default, list) else (lambda: dict(default or {}))
    if default is None:
        return Field(default=None, sa_type=JSONType, nullable=True)
    return Field(default_factory=factory, sa_type=JSONType, nullable=nullable)


def _when(*, nullable: bool = False, index: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=index)


class Program(SQLModel, table=True):
    """The canonical program record, one row per '<source>:<external id>'."""

    __tablename__ = "programs"

    key: str = Field(primary_key=True, max_length=200)
    source: str = Field(index=True, max_length=50)
    external_id: str = Field(max_length=150)
    title: str
    summary: str = Field(default="", sa_type=sa.Text)
    body: str = Field(default="", sa_type=sa.Text)
    organization: str | None = None  # 소관기관
    executor: str | None = None  # 수행기관
    category: str | None = None
    support_types: list[str] = _json([], nullable=False)
    target: str | None = None
    regions: list[str] | None = _json(None)  # 시도 codes; NULL = nationwide
    window_kind: str = Field(default="unknown", max_length=10)
    window_start: dt.date | None = None
    window_end: dt.date | None = Field(default=None, index=True)
    window_raw: str = ""
    url: str | None = None
    attachments: list[dict[str, Any]] = _json([], nullable=False)
    hashtags: list[str] = _json([], nullable=False)
    eligibility: dict[str, Any] = _json({}, nullable=False)
    needs: list[str] = _json([], nullable=False)
    funding: dict[str, Any] | None = _json(None)
    search_tokens: str = Field(default="", sa_type=sa.Text)  # space-joined Kiwi morphemes
    raw: dict[str, Any] = _json({}, nullable=False)
    content_hash: str = Field(max_length=64)
    posted_at: dt.datetime | None = _when(nullable=True)
    first_seen: dt.datetime = _when()
    last_seen: dt.datetime = _when()
    updated_at: dt.datetime = _when(index=True)  # indexed: the catalogue's change stamp reads its max
    closed_at: dt.datetime | None = _when(nullable=True, index=True)
    group_id: str = Field(index=True, max_length=200)  # key of the group's canonical record


class ProgramChange(SQLModel, table=True):
    """A change event (new, updated with its fields, closed, reopened) for the alert pipeline."""

    __tablename__ = "program_changes"

    id: int | None = Field(default=None, primary_key=True)
    program_key: str = Field(foreign_key="programs.key", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)  # new | updated | closed | reopened
    fields: list[str] = _json([], nullable=False)  # window, amount, conditions, title, ...
    detail: dict[str, Any] = _json({}, nullable=False)  # {field: {"old": ..., "new": ...}}
    run_id: int | None = Field(default=None, foreign_key="collection_runs.id", ondelete="SET NULL")
    created_at: dt.datetime = _when(index=True)
    processed_at: dt.datetime | None = _when(nullable=True)


class Source(SQLModel, table=True):
    """A configured source: built-in API collector, declarative web source or catalog."""

    __tablename__ = "sources"

    name: str = Field(primary_key=True, max_length=50)
    kind: str = Field(default="api", max_length=20)  # api | html | catalog
    enabled: bool = True
    schedule: str = Field(default="0 */6 * * *", max_length=100)  # cron, Asia/Seoul
    config: dict[str, Any] = _json({}, nullable=False)
    breaker_state: str = Field(default="closed", max_length=10)
    breaker_since: dt.datetime | None = _when(nullable=True)
    last_error_class: str | None = None
    last_run_at: dt.datetime | None = _when(nullable=True)
    last_success_at: dt.datetime | None = _when(nullable=True)


class CollectionRun(SQLModel, table=True):
    """One collection or import of one source, with its counts and outcome."""

    __tablename__ = "collection_runs"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True, max_length=50)
    mode: str = Field(default="collect", max_length=10)  # collect | import
    started_at: dt.datetime = _when(index=True)
    finished_at: dt.datetime | None = _when(nullable=True)
    status: str = Field(default="running", max_length=10)  # running | ok | failed | degraded
    received: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    closed: int = 0
    error_class: str | None = None
    error_message: str | None = None
    errors: list[str] = _json([], nullable=False)
    duration_ms: int | None = None


class User(SQLModel, table=True):
    """A user and their business profile; the profile columns are indexed for reverse matching.

    `status` is the business status of the profile (operating | pre_founder); `state` is the
    account's (active | inactive: blocked the bot or unsubscribed). Only users with `onboarded_at`
    set have a complete profile and are matched for alerts.
    """

    __tablename__ = "users"
    __table_args__ = (sa.Index("ix_users_match", "region", "status", "industry"),)

    id: int | None = Field(default=None, primary_key=True)
    telegram_chat_id: int | None = Field(default=None, unique=True, sa_type=sa.BigInteger)  # ids exceed int32
    display_name: str | None = None
    state: str = Field(default="active", max_length=10, index=True)  # active | inactive
    status: str = Field(default="operating", max_length=12)
    region: str | None = Field(default=None, max_length=2)
    district: str | None = None
    industry: str | None = Field(default=None, max_length=1)
    industry_detail: str | None = None
    founded_on: dt.date | None = Field(default=None, index=True)
    employees: int | None = None
    annual_revenue_krw: int | None = Field(default=None, sa_type=sa.BigInteger)  # won: exceeds int32
    representative_age: int | None = Field(default=None, index=True)
    traits: list[str] | None = _json(None)
    needs: list[str] = _json([], nullable=False)
    description: str | None = None
    source: str = Field(default="telegram", max_length=20)  # telegram | import | chat | dashboard
    consented_at: dt.datetime | None = _when(nullable=True)  # 개인정보 수집·이용 동의 (or on file, for imports)
    onboarded_at: dt.datetime | None = _when(nullable=True)  # profile complete: alerts start from here
    blocked_at: dt.datetime | None = _when(nullable=True)
    created_at: dt.datetime = _when()
    updated_at: dt.datetime = _when()


class Contact(SQLModel, table=True):
    """One alert channel of a user: a Telegram chat, an email address or a phone number."""

    __tablename__ = "contacts"
    __table_args__ = (sa.UniqueConstraint("channel", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    channel: str = Field(max_length=10)  # telegram | email | sms
    address: str = Field(max_length=320)  # chat id, email address, or phone digits (01012345678)
    verified: bool = False
    verify_code_hash: str | None = Field(default=None, max_length=128)  # sha256 of the code sent
    verify_expires_at: dt.datetime | None = _when(nullable=True)
    verify_attempts: int = 0
    created_at: dt.datetime = _when()
    verified_at: dt.datetime | None = _when(nullable=True)


class AlertPreference(SQLModel, table=True):
    """How and when a user wants alerts; one row per user (defaults when absent)."""

    __tablename__ = "alert_preferences"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    enabled: bool = True
    mode: str = Field(default="immediate", max_length=10)  # immediate | digest
    digest_hour: int = 9  # Asia/Seoul hour of the daily digest
    quiet_hours: str | None = Field(default=None, max_length=10)  # "22-08", "off"; None = the setting's default
    include_unknown: bool = True  # strictness: also programs whose eligibility is 확인 필요
    channels: list[str] | None = _json(None)  # None = every verified contact
    updated_at: dt.datetime = _when()


class SavedProgram(SQLModel, table=True):
    """A program a user saved: deadline reminders (D-7, D-3, D-1) and change alerts follow it."""

    __tablename__ = "saved_programs"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    program_key: str = Field(foreign_key="programs.key", primary_key=True, ondelete="CASCADE", max_length=200)
    saved_at: dt.datetime = _when()


class Feedback(SQLModel, table=True):
    """A user's reaction to a recommended program (👍/👎, 관심 없음 with a reason); used in ranking."""

    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    program_key: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=20)  # up | down | not_interested
    reason: str | None = Field(default=None, max_length=20)  # industry | received | small | other
    comment: str | None = None
    created_at: dt.datetime = _when()


class Alert(SQLModel, table=True):
    """One thing a user should be told about one program, queued once (unique `dedupe_key`).

    The match job writes these in the same transaction as its progress mark; the outbox job turns
    them into per-channel deliveries (one per alert, or one digest for several).
    """

    __tablename__ = "alerts"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    program_key: str = Field(foreign_key="programs.key", index=True, ondelete="CASCADE", max_length=200)
    kind: str = Field(max_length=20)  # new | changed | reminder_d7 | reminder_d3 | reminder_d1
    verdict: str = Field(default="eligible", max_length=10)  # eligible | unknown
    detail: dict[str, Any] = _json({}, nullable=False)
    dedupe_key: str = Field(max_length=300, unique=True)  # user:program:kind:window
    created_at: dt.datetime = _when(index=True)
    queued_at: dt.datetime | None = _when(nullable=True, index=True)  # turned into deliveries


class Delivery(SQLModel, table=True):
    """The outbox: one message to one user over one channel, sent at most once.

    Workers claim due rows (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the lease columns), send,
    and mark the row sent in the same transaction that records the provider's answer.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "channel", "dedupe_key"),
        sa.Index("ix_deliveries_due", "channel", "status", "available_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="CASCADE")
    channel: str = Field(default="telegram", max_length=20)  # telegram | email | sms
    address: str | None = Field(default=None, max_length=320)  # chat id / email / phone at queue time
    kind: str = Field(default="alert", max_length=20)  # alert | digest | reminder | verification | broadcast | ops
    dedupe_key: str = Field(max_length=300)
    payload: dict[str, Any] = _json({}, nullable=False)
    status: str = Field(default="pending", max_length=10, index=True)  # pending | accepted | sent | failed | dead
    available_at: dt.datetime = _when()  # not before: quiet hours and retry backoff push it later
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: dt.datetime | None = _when(nullable=True)
    attempts: int = 0
    last_error: str | None = None
    error_class: str | None = Field(default=None, max_length=50)
    provider_ref: str | None = Field(default=None, max_length=200)  # Telegram message id, SENS requestId
    created_at: dt.datetime = _when()
    sent_at: dt.datetime | None = _when(nullable=True)


class ConversationState(SQLModel, table=True):
    """Where one conversation stands (onboarding step, pending choices), so a restart loses nothing."""

    __tablename__ = "conversation_states"

    key: str = Field(primary_key=True, max_length=100)  # "telegram:<chat id>", "chat:<name>", "preview:<id>"
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="CASCADE")
    step: str = Field(default="start", max_length=40)
    data: dict[str, Any] = _json({}, nullable=False)
    version: int = 0  # optimistic concurrency: bumped on every write
    updated_at: dt.datetime = _when()


class LLMCall(SQLModel, table=True):
    """One gateway call: which provider answered, tokens, cost, latency, outcome."""

    __tablename__ = "llm_calls"

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = _when(index=True)
    task: str = Field(max_length=40)
    provider: str = Field(max_length=20, index=True)
    model: str | None = None
    deployment_id: str | None = None
    user_ref: str | None = Field(default=None, max_length=64, index=True)
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    outcome: str = Field(max_length=20)  # ok | fallback | offline | error
    error_class: str | None = None
    fallback_path: list[dict[str, Any]] = _json([], nullable=False)
    prompt: str | None = Field(default=None, sa_type=sa.Text)  # only when llm.log_prompts


class ProviderHealth(SQLModel, table=True):
    """The latest known state of one LLM provider: circuit and health check."""

    __tablename__ = "provider_health"

    provider: str = Field(primary_key=True, max_length=20)
    circuit_state: str = Field(default="closed", max_length=10)  # closed | open | half_open
    circuit_since: dt.datetime | None = _when(nullable=True)
    consecutive_failures: int = 0
    last_error_class: str | None = None
    healthy: bool | None = None
    checked_at: dt.datetime | None = _when(nullable=True)
    latency_ms: float | None = None


class SettingOverride(SQLModel, table=True):
    """An operator's low-code override of a setting (dashboard), applied over the environment."""

    __tablename__ = "settings_overrides"

    key: str = Field(primary_key=True, max_length=100)
    value: Any = Field(default=None, sa_type=JSONType)
    updated_by: str | None = None
    updated_at: dt.datetime = _when()


class AuditLog(SQLModel, table=True):
    """Who changed what, from which front end."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = _when(index=True)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=100)
    target: str | None = None
    detail: dict[str, Any] = _json({}, nullable=False)


class SchedulerLease(SQLModel, table=True):
    """The job runner's leader lease: one row per lock name, renewed by the holder."""

    __tablename__ = "scheduler_leases"

    name: str = Field(primary_key=True, max_length=50)
    holder: str = Field(max_length=100)
    expires_at: dt.datetime = _when()


class JobRequest(SQLModel, table=True):
    """Long work queued by the dashboard or CLI for the job runner (e.g. 'collect bizinfo')."""

    __tablename__ = "job_requests"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=50)
    args: dict[str, Any] = _json({}, nullable=False)
    status: str = Field(default="queued", max_length=10, index=True)  # queued | running | done | failed
    requested_by: str | None = None
    created_at: dt.datetime = _when()
    started_at: dt.datetime | None = _when(nullable=True)
    finished_at: dt.datetime | None = _when(nullable=True)
    result: dict[str, Any] = _json({}, nullable=False)


class CatalogSnapshot(SQLModel, table=True):
    """The serving catalogue (candidates and search index) pickled for the next process to load.

    Written by Aegis itself at the end of an import or collection (and by the first process that had
    to rebuild); `stamp` identifies the programs table it was built from, `format` the code's shapes.
    Valid for dates whose cutoff lies in [cutoff_from, cutoff_until) (None = unbounded).
    """

    __tablename__ = "catalog_snapshots"

    stamp: str = Field(primary_key=True, max_length=200)
    format: str = Field(max_length=64)
    cutoff_from: dt.datetime | None = _when(nullable=True)
    cutoff_until: dt.datetime | None = _when(nullable=True)
    built_at: dt.datetime = _when()
    data: bytes = Field(sa_type=sa.LargeBinary)


class IntegrationStatus(SQLModel, table=True):
    """The last health check of one integration (doctor names), so an outage alerts operators once."""

    __tablename__ = "integration_status"

    name: str = Field(primary_key=True, max_length=50)  # database, llm:openai, bizinfo, telegram, ...
    ok: bool = True
    detail: str = Field(default="", sa_type=sa.Text)
    error_class: str | None = Field(default=None, max_length=50)
    checked_at: dt.datetime = _when()
    changed_at: dt.datetime = _when()  # when ok last flipped: the outage (or recovery) began
