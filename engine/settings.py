"""The one settings object: pydantic-settings, `AEGIS_` prefix, `__` nested delimiter, `.env`.

Only entry points build it (`Settings()`); everything else receives it. Secrets are `SecretStr` and
are unwrapped only inside the adapter that sends them. Names fixed by shared/contracts are kept.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from db.config import DEFAULT_DATABASE_URL

DEFAULT_CHAIN = ("openai", "anthropic", "gemini", "selfhosted")
PLACEHOLDER_SECRETS = frozenset({"changethis", "changeme", "change-me", "placeholder", "secret", "xxx", "todo"})


class ProviderSettings(BaseModel):
    """One LLM provider of the chain. A provider without its key (selfhosted: base URL) is absent."""

    api_key: SecretStr | None = None
    api_key_secondary: SecretStr | None = None  # rotation: tried after a 401 on the primary
    api_base: str | None = None
    model: str = ""
    cheap_model: str | None = None  # a cheaper model of the same provider, tried after the main one
    input_cost_per_mtok: float | None = None  # USD per million input tokens (overrides LiteLLM's map)
    output_cost_per_mtok: float | None = None

    def present(self, name: str) -> bool:
        """Return whether this provider takes part: a model, and a key (selfhosted: a base URL)."""
        if not self.model.strip():
            return False
        if name == "selfhosted":
            return bool((self.api_base or "").strip())
        return self.api_key is not None and bool(self.api_key.get_secret_value().strip())


# Default (model, cheap model) per provider; applied to partial configurations too (only a key set).
DEFAULT_MODELS: dict[str, tuple[str, str | None]] = {
    "openai": ("gpt-4.1", "gpt-4.1-mini"),
    "anthropic": ("claude-sonnet-4-5", None),
    "gemini": ("gemini-2.5-flash", None),
    "selfhosted": ("qwen2.5:7b-instruct", None),
}


def _default_provider(name: str) -> Any:
    model, cheap = DEFAULT_MODELS[name]
    return Field(default_factory=lambda: ProviderSettings(model=model, cheap_model=cheap))


class LLMSettings(BaseModel):
    """The Living Gateway: provider chain, timeouts, circuit breaking and budgets."""

    chain: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(DEFAULT_CHAIN))
    openai: ProviderSettings = _default_provider("openai")
    anthropic: ProviderSettings = _default_provider("anthropic")
    gemini: ProviderSettings = _default_provider("gemini")
    selfhosted: ProviderSettings = _default_provider("selfhosted")
    timeout_s: float = 20.0
    max_retries: int = 1
    retry_backoff_s: float = 0.2  # the gateway's pause before retrying a 5xx, doubled per retry
    breaker_failures: int = 5
    breaker_recovery_s: float = 60.0
    health_interval_s: int = 300
    daily_cost_cap_usd: float = 5.0
    per_user_daily_requests: int = 50
    log_prompts: bool = False

    @model_validator(mode="before")
    @classmethod
    def _default_models(cls, data: Any) -> Any:
        # The environment gives a partial dict (e.g. only api_key): keep each provider's default model.
        if isinstance(data, dict):
            for name, (model, cheap) in DEFAULT_MODELS.items():
                given = data.get(name)
                if isinstance(given, dict):
                    given.setdefault("model", model)
                    given.setdefault("cheap_model", cheap)
        return data

    def present_providers(self) -> list[str]:
        """Return the chain's providers that are configured, in order (cheap: builds no gateway)."""
        return [name for name in dict.fromkeys(self.chain) if getattr(self, name).present(name)]

    @field_validator("chain", mode="before")
    @classmethod
    def _split_chain(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @field_validator("chain")
    @classmethod
    def _known_providers(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in DEFAULT_CHAIN and name != "offline"]
        if unknown:
            raise ValueError(f"unknown LLM provider(s) in chain: {', '.join(unknown)}")
        return [name for name in value if name != "offline"]


def _split_csv(value: Any) -> Any:
    """Split "a, b" into ["a", "b"] (environment lists are comma-separated)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


class TelegramSettings(BaseModel):
    """The Telegram bot: long polling by default, a webhook behind a load balancer as an option."""

    bot_token: SecretStr | None = None
    base_url: str = "https://api.telegram.org/bot"
    webhook_url: str | None = None  # set: webhook mode (public HTTPS URL Telegram posts updates to)
    webhook_secret: SecretStr | None = None  # X-Telegram-Bot-Api-Secret-Token, checked on every update
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    metrics_port: int | None = None  # the bot process serves its own /metrics here
    send_rate_per_s: float = 28.0  # overall cap, under Telegram's ~30 msg/s
    per_chat_interval_s: float = 1.0  # at most one message a second to one chat


class SmtpSettings(BaseModel):
    """Email alerts and verification mail over SMTP (STARTTLS on 587, or implicit TLS on 465)."""

    host: str | None = None
    port: int = 587
    username: str | None = None
    password: SecretStr | None = None
    from_: str | None = Field(default=None, alias="from")
    starttls: bool = True  # false for a local relay
    ssl: bool = False  # implicit TLS (port 465)
    timeout_s: float = 20.0

    model_config = {"populate_by_name": True}


class SensSettings(BaseModel):
    """SMS alerts through NCP SENS v2 (the sender number must be registered with SENS first)."""

    access_key: SecretStr | None = None
    secret_key: SecretStr | None = None
    service_id: str | None = None
    from_number: str | None = None
    base_url: str = "https://sens.apigw.ntruss.com"
    timeout_s: float = 20.0


class AlertSettings(BaseModel):
    """Push alerts: quiet hours, retries, dead-lettering and the default digest hour."""

    quiet_hours: str = "22-08"  # Asia/Seoul, start-end hours; "off" disables
    max_attempts: int = 5  # a delivery is dead-lettered after this many failed attempts
    retry_backoff_s: float = 60.0  # first retry pause, doubled per attempt
    lease_s: float = 120.0  # a claimed delivery returns to the queue after this (a crashed worker)
    digest_hour: int = 9
    reminder_hour: int = 9  # D-7, D-3, D-1 reminders at this hour (Asia/Seoul)
    public_url: str | None = None  # base URL of links in mail (e.g. email verification)


class DashboardSettings(BaseModel):
    """Operator login for the Streamlit dashboard."""

    password_hash: SecretStr | None = None  # from `aegis hash-password`
    operator_emails: Annotated[list[str], NoDecode] = Field(default_factory=list)  # OIDC (st.login) allow-list
    session_minutes: int = 480
    max_failed_logins: int = 5  # per 15 minutes, then logins wait

    @field_validator("operator_emails", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return [email.lower() for email in _split_csv(value)]


class OperatorSettings(BaseModel):
    """Operators: Telegram chats with operator commands and service-down alerts, and their email."""

    telegram_chat_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    emails: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("telegram_chat_ids", "emails", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _split_csv(value)


class VaultSettings(BaseModel):
    """Optional HashiCorp Vault KV v2 secret store (secrets not set in the environment are read there)."""

    url: str | None = None
    token: SecretStr | None = None
    mount: str = "secret"
    path: str = "aegis"


class RetentionSettings(BaseModel):
    """How long housekeeping keeps rows (days); purged daily by the job runner."""

    raw_payload_days: int = 180
    llm_call_days: int = 90
    delivery_days: int = 180
    job_run_days: int = 90


class SourceKeys(BaseModel):
    """API keys of the public-data sources."""

    bizinfo_api_key: SecretStr | None = None  # 기업마당 crtfcKey
    datagokr_service_key: SecretStr | None = None  # data.go.kr serviceKey (K-Startup)
    odcloud_api_key: SecretStr | None = None  # api.odcloud.kr Infuser key (보조금24)
    bizinfo_url: str = "https://www.bizinfo.go.kr/uss/rss/bizinfoApi.do"
    kstartup_url: str = "https://apis.data.go.kr/B552735/kisedKstartupService01/getAnnouncementInformation01"
    gov24_url: str = "https://api.odcloud.kr/api/gov24/v3"
    timeout_s: float = 20.0
    requests_per_second: float = 2.0
    max_attempts: int = 3  # per GET, retries included (transport errors, timeouts, 429, 5xx)
    backoff_s: float = 1.0  # first retry pause, doubled per attempt, with jitter
    max_retry_after_s: float = 120.0  # a longer Retry-After ends the run instead of waiting
    breaker_failures: int = 5  # consecutive failed calls that open a source's circuit
    breaker_recovery_s: float = 600.0  # an open circuit lets one probe through after this


class MetricsSettings(BaseModel):
    """Prometheus exposition of `aegis jobs`."""

    host: str = "127.0.0.1"
    port: int | None = None


class Settings(BaseSettings):
    """Aegis configuration, read from the environment (`AEGIS_*`) and `.env`."""

    model_config = SettingsConfigDict(
        env_prefix="AEGIS_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,  # a copied .env.example with blank values means "unset"
    )

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Seoul"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    dashboard_port: int = 8501
    llm: LLMSettings = Field(default_factory=LLMSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    sources: SourceKeys = Field(default_factory=SourceKeys)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    sens: SensSettings = Field(default_factory=SensSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    operators: OperatorSettings = Field(default_factory=OperatorSettings)
    vault: VaultSettings = Field(default_factory=VaultSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.environment == "development":
            return self
        for path, secret in iter_secrets(self):
            if secret is not None and secret.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
                raise ValueError(f"{path} is a placeholder secret; set a real value outside development")
        return self


def iter_secrets(model: BaseModel, prefix: str = "AEGIS_") -> list[tuple[str, SecretStr | None]]:
    """Return (environment name, value) for every SecretStr field, nested groups included."""
    found: list[tuple[str, SecretStr | None]] = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        env_name = f"{prefix}{name.upper()}"
        if isinstance(value, BaseModel):
            found.extend(iter_secrets(value, env_name + "__"))
        elif isinstance(value, SecretStr) or "SecretStr" in str(field.annotation):
            found.append((env_name, value))
    return found


def masked_config(settings: Settings) -> dict[str, Any]:
    """Return the effective configuration as plain data with every secret masked."""

    def walk(model: BaseModel) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                out[name] = walk(value)
            elif isinstance(value, SecretStr):
                out[name] = "**********" if value.get_secret_value() else ""
            elif isinstance(value, str):
                out[name] = redact_url(value)
            else:
                out[name] = value
        return out

    return walk(settings)


# Query parameters that carry a key or token in the URLs Aegis is configured with.
SECRET_QUERY_PARAMS = frozenset(
    {"servicekey", "crtfckey", "api_key", "apikey", "key", "token", "access_token", "secret", "password"}
)


def redact_url(url: str) -> str:
    """Mask a URL's password and its key/token query parameters; other text is returned unchanged."""
    import re

    url = redact_url_password(url)

    def mask(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{name}=***" if name.lower() in SECRET_QUERY_PARAMS else match.group(0)

    return re.sub(r"([?&;])([^=&#;]+)=([^&#;]*)", mask, url) if "://" in url else url


def redact_url_password(url: str) -> str:
    """Mask the password of a database URL (`postgresql://u:pw@h/db` → `postgresql://u:***@h/db`)."""
    scheme, sep, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    if not sep or "@" not in authority:
        return url
    creds, _, host = authority.rpartition("@")
    if ":" in creds:
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}{slash}{path}"
    return url
