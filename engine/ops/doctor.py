"""`aegis doctor`: the cheapest real call per configured integration, one line each, never a secret.

Names (shared/contracts): `database`, `llm:<provider>`, `bizinfo`, `datagokr` (K-Startup's dataset),
`odcloud` (보조금24's serviceList and supportConditions), `telegram`, `smtp`, `sens`. A failure names the
provider's own code and its cause in Korean (engine/ops/causes.py).
"""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from engine.errors import AegisError, SourceError
from engine.logs import Redactor, settings_secrets
from engine.ops.causes import LLM_CAUSES, datagokr_cause, odcloud_cause, sens_cause
from engine.settings import Settings

DOCTOR_TIMEOUT_S = 10.0
NOT_CONFIGURED = "설정 안 됨"
HINTS = {"database": " (기본 SQLite 파일이 아직 없습니다: `aegis db upgrade`)"}
CHECK_NAMES = ("database", "bizinfo", "datagokr", "odcloud", "telegram", "smtp", "sens")  # + llm:<provider>


@dataclass(frozen=True)
class Check:
    """One integration's result: ok, or why not (Korean, with the provider's code); never a secret."""

    name: str
    ok: bool
    detail: str
    configured: bool = True

    def as_json(self) -> dict[str, Any]:
        """Return the contract's shape (`name`, `ok`, `detail`) plus `configured`."""
        return asdict(self)


class ProbeFailed(Exception):
    """A probe's failure, already worded for the operator."""


Probe = Callable[[], Awaitable[str]]


def planned_checks(settings: Settings, client: httpx.AsyncClient) -> list[tuple[str, Probe | None]]:
    """Return (name, probe) for every integration; the probe is None when it is not configured."""
    src, tg = settings.sources, settings.telegram
    plans: list[tuple[str, Probe | None]] = [("database", _database(settings))]
    from engine.gateway.config import build_chain

    present = {plan.name for plan in build_chain(settings.llm)}
    plans += [(f"llm:{name}", _llm(settings, name) if name in present else None) for name in settings.llm.chain]
    plans += [
        ("bizinfo", (lambda: _bizinfo(settings, client)) if src.bizinfo_api_key else None),
        ("datagokr", (lambda: _kstartup(settings, client)) if src.datagokr_service_key else None),
        ("odcloud", (lambda: _gov24(settings, client)) if src.odcloud_api_key else None),
        ("telegram", (lambda: _telegram(settings, client)) if tg.bot_token else None),
        ("smtp", (lambda: _smtp(settings)) if settings.smtp.host else None),
        ("sens", (lambda: _sens(settings, client)) if _sens_configured(settings) else None),
    ]
    return plans


async def run_checks(
    settings: Settings,
    *,
    only: set[str] | None = None,
    skip_llm: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[Check]:
    """Run every configured integration's probe concurrently; unconfigured ones come back not configured."""
    redact = Redactor(settings_secrets(settings))
    async with httpx.AsyncClient(timeout=DOCTOR_TIMEOUT_S, transport=transport) as client:
        plans = [
            (n, p)
            for n, p in planned_checks(settings, client)
            if (only is None or n in only) and not (skip_llm and n.startswith("llm:"))
        ]
        results = await asyncio.gather(*(_run(name, probe, redact) for name, probe in plans))
    return list(results)


def broken(checks: list[Check]) -> list[Check]:
    """Return the configured checks that failed."""
    return [c for c in checks if c.configured and not c.ok]


async def _run(name: str, probe: Probe | None, redact: Redactor) -> Check:
    if probe is None:
        return Check(name=name, ok=True, detail=NOT_CONFIGURED + HINTS.get(name, ""), configured=False)
    try:
        detail = await probe()
        ok = True
    except ProbeFailed as exc:
        detail, ok = str(exc), False
    except AegisError as exc:
        detail, ok = f"{exc.user_message} ({type(exc).__name__}: {exc})", False
    except Exception as exc:  # a probe must report, never crash the doctor
        detail, ok = f"예상하지 못한 오류: {type(exc).__name__}: {exc}", False
    return Check(name=name, ok=ok, detail=redact(" ".join(detail.split())))


# --- database -------------------------------------------------------------------------------------


def _database(settings: Settings) -> Probe | None:
    from db.config import DEFAULT_DATABASE_URL

    url = settings.database_url
    if url == DEFAULT_DATABASE_URL and not _sqlite_file(url).exists():
        return None  # a fresh clone: nothing to check until `aegis db upgrade` creates it
    return lambda: asyncio.to_thread(_database_sync, url)


def _sqlite_file(url: str) -> Path:
    return Path(url.split("///", 1)[-1]) if url.startswith("sqlite") else Path("/nonexistent")


def _database_sync(url: str) -> str:
    import sqlalchemy as sa
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config, current
    from db.session import make_engine

    if url.startswith("sqlite") and ":memory:" not in url and url != "sqlite://" and not _sqlite_file(url).exists():
        raise ProbeFailed("데이터베이스 파일이 없습니다: `aegis db upgrade`로 만드세요")
    if url.startswith("postgresql") and "connect_timeout" not in url:  # an unreachable host answers in 10 s
        url = f"{url}{'&' if '?' in url else '?'}connect_timeout={int(DOCTOR_TIMEOUT_S)}"
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
        raise ProbeFailed(f"데이터베이스에 연결할 수 없습니다: {reason}") from exc
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    revision = current(url)
    if revision != head:
        raise ProbeFailed(f"스키마가 최신이 아닙니다 (현재 {revision or '없음'}, 최신 {head}): `aegis db upgrade`")
    return f"연결됨, 스키마 최신 ({head})"


# --- LLM providers ----------------------------------------------------------------------------------


def _llm(settings: Settings, name: str) -> Probe:
    async def probe() -> str:
        from prometheus_client import CollectorRegistry

        from engine.gateway import Gateway

        llm = settings.llm.model_copy(update={"chain": [name], "max_retries": 0})
        gateway = Gateway.from_settings(llm, registry=CollectorRegistry())
        [status] = await gateway.health_check()
        if status.healthy:
            return f"응답함 ({status.latency_ms or 0:.0f} ms)"
        cls = status.last_error_class or "Unknown"
        raise ProbeFailed(f"{LLM_CAUSES.get(cls, '응답하지 않습니다')} ({cls})")

    return probe


# --- public-data sources ----------------------------------------------------------------------------


async def _get(client: httpx.AsyncClient, url: str, what: str, **kwargs: Any) -> httpx.Response:
    try:
        return await client.get(url, **kwargs)
    except httpx.TimeoutException as exc:
        raise ProbeFailed(f"{what}: {DOCTOR_TIMEOUT_S:.0f}초 안에 응답이 없습니다") from exc
    except httpx.HTTPError as exc:
        raise ProbeFailed(f"{what}: 연결할 수 없습니다 ({type(exc).__name__}; 주소·네트워크 확인)") from exc


def _status_failure(what: str, response: httpx.Response) -> ProbeFailed:
    code = response.status_code
    if code in (401, 403):
        return ProbeFailed(f"{what}: HTTP {code} 인증 거부 (키 확인)")
    if code == 429:
        return ProbeFailed(f"{what}: HTTP 429 호출 한도 초과")
    if code >= 500:
        return ProbeFailed(f"{what}: HTTP {code} 서버 오류 (잠시 후 다시 확인)")
    return ProbeFailed(f"{what}: HTTP {code} (주소 확인)")


def _datagokr_failure(what: str, exc: SourceError) -> ProbeFailed:
    if exc.code is not None and exc.code.lstrip("-").isdigit() and exc.code.startswith("-"):
        return ProbeFailed(f"{what}: odcloud 코드 {exc.code}: {odcloud_cause(exc.code, str(exc))}")
    if exc.code is not None:
        name = str(exc).split(exc.code, 1)[-1].split(":", 1)[0].strip()
        label = f"{exc.code} {name}".strip()
        return ProbeFailed(f"{what}: data.go.kr 코드 {label}: {datagokr_cause(exc.code)}")
    return ProbeFailed(f"{what}: {exc}")


async def _dataset(client: httpx.AsyncClient, what: str, url: str, **kwargs: Any) -> int | None:
    """GET one row of a data.go.kr/odcloud dataset; return its total count or raise the cause."""
    from engine.collectors.datagokr import odcloud_page, raise_for_error_payload

    response = await _get(client, url, what, **kwargs)
    try:
        raise_for_error_payload(response.content, source=what, label=what)
        if response.status_code >= 300:
            raise _status_failure(what, response)
        return odcloud_page(response.content, source=what, label=what).total
    except SourceError as exc:
        raise _datagokr_failure(what, exc) from exc


async def _kstartup(settings: Settings, client: httpx.AsyncClient) -> str:
    from engine.collectors.datagokr import service_key_param

    key = settings.sources.datagokr_service_key
    assert key is not None  # planned only when set
    query = f"page=1&perPage=1&returnType=json&{service_key_param(key.get_secret_value())}"
    url = settings.sources.kstartup_url
    total = await _dataset(client, "K-Startup", f"{url}{'&' if '?' in url else '?'}{query}")
    return f"K-Startup 데이터셋 응답 ({total if total is not None else '?'}건)"


async def _gov24(settings: Settings, client: httpx.AsyncClient) -> str:
    key = settings.sources.odcloud_api_key
    assert key is not None
    headers = {"Authorization": f"Infuser {key.get_secret_value()}"}
    base = settings.sources.gov24_url.rstrip("/")
    params = {"page": 1, "perPage": 1, "returnType": "JSON"}
    found = []
    for dataset in ("serviceList", "supportConditions"):
        total = await _dataset(client, f"보조금24 {dataset}", f"{base}/{dataset}", params=params, headers=headers)
        found.append(f"{dataset} {total if total is not None else '?'}건")
    return "보조금24 데이터셋 응답 (" + ", ".join(found) + ")"


async def _bizinfo(settings: Settings, client: httpx.AsyncClient) -> str:
    from engine.collectors.bizinfo import BizinfoCollector

    key = settings.sources.bizinfo_api_key
    assert key is not None
    params = {"crtfcKey": key.get_secret_value(), "dataType": "json", "searchCnt": 1}
    response = await _get(client, settings.sources.bizinfo_url, "기업마당", params=params)
    if response.status_code >= 300:
        raise _status_failure("기업마당", response)
    try:
        BizinfoCollector().parse(response.content)
    except SourceError as exc:
        if exc.code == "reqErr":
            message = str(exc).split(":", 1)[-1].strip()
            raise ProbeFailed(f"기업마당 reqErr: {message} (crtfcKey, AEGIS_SOURCES__BIZINFO_API_KEY 확인)") from exc
        raise ProbeFailed(f"기업마당 응답을 해석할 수 없습니다: {exc}") from exc
    return "기업마당 API 응답"


# --- Telegram, SMTP, SENS ---------------------------------------------------------------------------


async def _telegram(settings: Settings, client: httpx.AsyncClient) -> str:
    token = settings.telegram.bot_token
    assert token is not None
    response = await _get(client, f"{settings.telegram.base_url}{token.get_secret_value()}/getMe", "Bot API")
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code == 200 and isinstance(data, dict) and data.get("ok"):
        return f"@{data.get('result', {}).get('username', '?')} (getMe)"
    description = data.get("description", "") if isinstance(data, dict) else ""
    if response.status_code == 401:
        raise ProbeFailed(f"봇 토큰이 거부되었습니다 (401 {description or 'Unauthorized'}): BotFather의 토큰 확인")
    if response.status_code == 404:
        raise ProbeFailed("봇 토큰 형식이 잘못되었거나 Bot API 주소가 틀렸습니다 (404)")
    raise ProbeFailed(f"Bot API 오류 {response.status_code} {description}".strip())


async def _smtp(settings: Settings) -> str:
    from engine.notify.email import probe

    t0 = time.perf_counter()
    try:
        greeting = await probe(
            settings.smtp.model_copy(update={"timeout_s": min(settings.smtp.timeout_s, DOCTOR_TIMEOUT_S)})
        )
    except AegisError as exc:
        kind = "로그인·발신 거부 (사용자·비밀번호(앱 비밀번호) 확인)" if "Auth" in type(exc).__name__ else "연결 실패"
        raise ProbeFailed(f"SMTP {settings.smtp.host}:{settings.smtp.port} {kind}: {exc}") from exc
    return f"SMTP 연결·로그인 성공 ({greeting[:40]}, {(time.perf_counter() - t0) * 1000:.0f} ms)"


def _sens_configured(settings: Settings) -> bool:
    sens = settings.sens
    return bool(sens.access_key and sens.secret_key and sens.service_id and sens.from_number)


async def _sens(settings: Settings, client: httpx.AsyncClient) -> str:
    try:
        sms = importlib.import_module("engine.notify.sms")
    except ImportError as exc:
        raise ProbeFailed("SENS 점검을 아직 지원하지 않는 버전입니다") from exc
    try:
        result = await sms.probe(settings.sens, client=client)
    except AegisError as exc:
        status = getattr(exc, "status", None)
        code = getattr(exc, "code", None)
        raise ProbeFailed(f"SENS {status or ''} (코드 {code or '-'}): {sens_cause(status, code)}".strip()) from exc
    return f"SENS 인증 성공 {result or ''}".strip()
