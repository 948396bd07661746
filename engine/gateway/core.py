"""The Gateway: walks the provider chain under breakers and budgets, and always ends with an answer.

One LiteLLM Router holds every deployment; this module asks it for one deployment at a time in chain
order (main model, then the cheap one), so that it sees each attempt: it retries 5xx, rotates keys on
401, repairs invalid JSON once, opens circuits, and returns the offline answer when nothing else did.

Structured tasks ask each deployment for JSON through its own structured-output mode (`response_format`
with the task's strict JSON schema; LiteLLM translates it for Anthropic and Gemini). A deployment that
refuses the parameter, or answers it with something that is not JSON, is asked in the prompt instead,
and remembered: this process never sends it `response_format` again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from prometheus_client import CollectorRegistry
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from db.models import LLMCall
from engine.gateway.breaker import STATE_GAUGE, CircuitBreaker, ProviderStatus
from engine.gateway.budget import Budget
from engine.gateway.config import Deployment, KeySlot, ProviderPlan, build_chain
from engine.gateway.errors import (
    GatewayError,
    ProviderAuthError,
    ProviderServerError,
    StructuredOutputRefused,
    counts_against_breaker,
    error_class,
    is_provider_wide,
)
from engine.gateway.health import HealthBook
from engine.gateway.metrics import GatewayMetrics, gateway_metrics
from engine.gateway.offline import OfflineFn, model_text, offline_answer
from engine.gateway.records import BUDGET_ERROR_CLASS, write_call
from engine.gateway.results import OFFLINE, Attempt, DecidedBy, GatewayResult
from engine.gateway.router import RawAnswer, RouterAdapter
from engine.gateway.tasks import (
    is_json_object,
    parse_structured,
    repair_messages,
    response_format,
    with_schema_instruction,
)
from engine.settings import LLMSettings

logger = logging.getLogger(__name__)
Message = dict[str, Any]


@dataclass
class _Call:
    """One `complete` call: its request and running totals."""

    task: str
    messages: list[Message]
    user_ref: str | None
    offline: OfflineFn | None
    instructed: list[Message] = field(default_factory=list)  # the messages with the JSON asked in the prompt
    fmt: dict[str, Any] | None = None  # the task's response_format, when it has a schema
    started: float = field(default_factory=time.perf_counter)
    path: list[Attempt] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


@dataclass(frozen=True)
class _Answer:
    dep: Deployment
    text: str
    parsed: BaseModel | None


class Gateway:
    """Every LLM call of Aegis: `complete(task, messages, schema)` → `GatewayResult`, never an exception."""

    def __init__(
        self,
        llm: LLMSettings,
        *,
        plans: list[ProviderPlan],
        engine: Engine | None = None,
        clock: Callable[[], float] = time.monotonic,
        registry: CollectorRegistry | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.llm = llm
        self._plans = plans
        self._engine = engine
        self._clock = clock
        self._sleep = sleep
        self.metrics: GatewayMetrics = gateway_metrics(registry)
        self._router = RouterAdapter(plans, timeout_s=llm.timeout_s)
        self._slot: dict[str, KeySlot] = {p.name: "primary" for p in plans}
        self.prompt_json: set[str] = set()  # deployment ids that refused native structured output
        self._breakers = {
            p.name: CircuitBreaker(
                p.name,
                failures=llm.breaker_failures,
                recovery_s=llm.breaker_recovery_s,
                clock=clock,
                on_change=self._circuit_changed,
            )
            for p in plans
        }
        self._budget = Budget(llm, engine=engine, clock=clock)
        self._health = HealthBook(self._breakers, engine=engine, clock=clock, interval_s=float(llm.health_interval_s))
        for name in self._breakers:
            self.metrics.set_circuit(name, 0)
        self._health.restore()

    @classmethod
    def from_settings(
        cls,
        llm: LLMSettings,
        *,
        engine: Engine | None = None,
        clock: Callable[[], float] = time.monotonic,
        registry: CollectorRegistry | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> Gateway:
        """Build the gateway of the configured chain (LiteLLM is imported on the first remote call)."""
        return cls(llm, plans=build_chain(llm), engine=engine, clock=clock, registry=registry, sleep=sleep)

    @property
    def configured(self) -> list[str]:
        """Return the present providers in chain order."""
        return [p.name for p in self._plans]

    def status(self) -> list[ProviderStatus]:
        """Return the circuit and last health check of every present provider."""
        return [self._health.status(self._breakers[p.name].snapshot()) for p in self._plans]

    def count_rejection(self, result: GatewayResult, reason: str) -> None:
        """Count an answer the caller threw away (e.g. "ungrounded" numbers): llm_requests_total{outcome=rejected_*}."""
        logger.info("LLM answer of %s rejected by the caller: %s", result.provider, reason)
        self.metrics.requests.labels(provider=result.provider, outcome=f"rejected_{reason}").inc()

    def prepare(self) -> None:
        """Import LiteLLM and build the Router now rather than on the first call (entry points may warm up)."""
        if self._plans:
            self._router.prepare()

    async def health_check(self) -> list[ProviderStatus]:
        """Make one cheap call per provider, store the results and open or close circuits accordingly."""
        self.prepare()
        await asyncio.gather(*(self._health.check(p, self._router, self._slot[p.name]) for p in self._plans))
        return self.status()

    def complete_sync(
        self,
        task: str,
        messages: list[Message],
        schema: type[BaseModel] | None = None,
        *,
        user_ref: str | None = None,
        offline: OfflineFn | None = None,
    ) -> GatewayResult:
        """Run `complete` to the end in a fresh event loop (for the CLI)."""
        return asyncio.run(self.complete(task, messages, schema, user_ref=user_ref, offline=offline))

    async def complete(
        self,
        task: str,
        messages: list[Message],
        schema: type[BaseModel] | None = None,
        *,
        user_ref: str | None = None,
        offline: OfflineFn | None = None,
    ) -> GatewayResult:
        """Answer from the first provider that can, else offline; `parsed` is set when a schema is given."""
        call = _Call(task, messages, user_ref, offline)
        if schema is not None:
            call.instructed, call.fmt = with_schema_instruction(messages, schema), response_format(task, schema)
        denial = self._budget.denial(user_ref)
        if denial is not None:
            logger.info("LLM budget reached (%s); answering offline", denial)
            return self._offline(call, "budget", BUDGET_ERROR_CLASS)
        if not self._plans:
            return self._offline(call, "no_provider", "NoProvider")
        self._health.sync()
        self._router.prepare()  # outside every attempt's timing: the first call imports LiteLLM
        for plan in self._plans:
            if not self._breakers[plan.name].allow():
                call.path.append(Attempt(plan.name, None, "circuit_open"))
                continue
            answer = await self._try_provider(plan, schema, call)
            if answer is not None:
                return self._answered(call, answer)
        tried = [a for a in call.path if a.outcome != "circuit_open"]
        decided: DecidedBy = "all_failed" if tried else "breaker"
        last = tried[-1].outcome if tried else "CircuitOpen"
        return self._offline(call, decided, last)

    async def _try_provider(self, plan: ProviderPlan, schema: type[BaseModel] | None, call: _Call) -> _Answer | None:
        breaker = self._breakers[plan.name]
        try:
            answer, alive, last_error = await self._walk_provider(plan, schema, call)
        except BaseException:
            breaker.release_probe()  # cancelled: neither a success nor a failure of the provider
            raise
        # exactly one breaker event per provider and request: success when it answered at all
        if alive:
            breaker.success()
        else:
            breaker.failure(last_error)
        return answer

    async def _walk_provider(
        self, plan: ProviderPlan, schema: type[BaseModel] | None, call: _Call
    ) -> tuple[_Answer | None, bool, str]:
        """Try the provider's models in order with the current key; rotate the key once on a 401."""
        alive, last_error, rotated = False, "ProviderUnavailable", False
        deps = list(plan.deployments(self._slot[plan.name]))
        i = 0
        while i < len(deps):
            dep = deps[i]
            native = call.fmt is not None and dep.deployment_id not in self.prompt_json
            messages = call.messages if native or schema is None else call.instructed
            fmt = call.fmt if native else None
            try:
                raw = await self._attempt(dep, messages, call, response_format=fmt)
            except StructuredOutputRefused:
                alive = True  # it answered, to refuse the parameter: ask the same model in the prompt
                self._prompt_json_from_now(dep, "refuses response_format")
                continue
            except ProviderAuthError as exc:
                last_error = error_class(exc)
                if not plan.secondary or rotated:
                    break
                rotated = True
                other: KeySlot = "secondary" if dep.key_slot == "primary" else "primary"
                logger.warning(
                    "LLM provider %s rejected its %s key (401); trying the %s key", plan.name, dep.key_slot, other
                )
                self._slot[plan.name] = other
                deps, i = list(plan.deployments(other)), 0
                continue
            except GatewayError as exc:
                last_error = error_class(exc)
                alive = alive or not counts_against_breaker(exc)
                if is_provider_wide(exc):
                    break
                i += 1
                continue
            alive = True
            if schema is None:
                return _Answer(dep, raw.text, None), alive, last_error
            if fmt is not None and not is_json_object(raw.text):
                call.path[-1] = replace(call.path[-1], outcome="not_json")  # the server ignored the parameter
                self._prompt_json_from_now(dep, "ignored response_format")
                continue
            parsed = await self._parse_or_repair(dep, messages, schema, raw, call, fmt=fmt)
            if parsed is not None:
                return _Answer(dep, model_text(parsed), parsed), alive, last_error
            i += 1
        return None, alive, last_error

    def _prompt_json_from_now(self, dep: Deployment, why: str) -> None:
        logger.info("LLM %s %s; asking for JSON in the prompt from now on", dep.deployment_id, why)
        self.prompt_json.add(dep.deployment_id)

    async def _parse_or_repair(
        self,
        dep: Deployment,
        messages: list[Message],
        schema: type[BaseModel],
        raw: RawAnswer,
        call: _Call,
        *,
        fmt: dict[str, Any] | None,
    ) -> BaseModel | None:
        parsed, problem = parse_structured(raw.text, schema)
        if parsed is not None:
            return parsed
        logger.info("LLM %s returned invalid output for the schema; one repair attempt", dep.deployment_id)
        call.path[-1] = replace(call.path[-1], outcome="invalid_output")
        try:
            repair = repair_messages(messages, raw.text, problem or "")
            fixed = await self._attempt(dep, repair, call, retries=0, response_format=fmt)
        except GatewayError:
            return None
        parsed, _ = parse_structured(fixed.text, schema)
        if parsed is None:
            call.path[-1] = replace(call.path[-1], outcome="invalid_output")
            return None
        call.path[-1] = replace(call.path[-1], outcome="repaired")
        return parsed

    async def _attempt(
        self,
        dep: Deployment,
        messages: list[Message],
        call: _Call,
        *,
        retries: int | None = None,
        response_format: dict[str, Any] | None = None,
    ) -> RawAnswer:
        """Call one deployment, retrying 5xx up to llm.max_retries times; every try lands in the path."""
        budget = self.llm.max_retries if retries is None else retries
        for n in range(budget + 1):
            t0 = time.perf_counter()
            try:
                raw = await self._router.call(dep, messages, response_format=response_format)
            except GatewayError as exc:
                latency = time.perf_counter() - t0
                retry_after = getattr(exc, "retry_after", None)
                call.path.append(
                    Attempt(
                        dep.provider,
                        dep.model,
                        error_class(exc),
                        latency * 1000,
                        dep.key_slot,
                        dep.deployment_id,
                        retry_after,
                    )
                )
                self.metrics.observe_attempt(dep.provider, error_class(exc), latency, 0, 0)
                logger.info("LLM attempt failed: %s", exc)
                if isinstance(exc, ProviderServerError) and n < budget:
                    await self._sleep(self.llm.retry_backoff_s * (2**n))
                    continue
                raise
            latency = time.perf_counter() - t0
            cost = dep.cost_from_prices(raw.input_tokens, raw.output_tokens)
            cost = (raw.litellm_cost or 0.0) if cost is None else cost
            call.input_tokens += raw.input_tokens
            call.output_tokens += raw.output_tokens
            call.cost_usd += cost
            call.path.append(Attempt(dep.provider, dep.model, "ok", latency * 1000, dep.key_slot, dep.deployment_id))
            self.metrics.observe_attempt(dep.provider, "ok", latency, raw.input_tokens, raw.output_tokens)
            self.metrics.add_cost(dep.provider, cost)
            return raw
        raise AssertionError("unreachable: the loop returns or raises")

    def _answered(self, call: _Call, answer: _Answer) -> GatewayResult:
        dep = answer.dep
        result = self._result(call, answer.text, answer.parsed, dep=dep, decided="provider", why=None)
        self._record(call, result, "ok" if self._plans[0].name == dep.provider else "fallback")
        return result

    def _offline(self, call: _Call, decided: DecidedBy, why: str) -> GatewayResult:
        text, parsed = offline_answer(call.offline)
        result = self._result(call, text, parsed, dep=None, decided=decided, why=why)
        self.metrics.observe_attempt(OFFLINE, decided, result.latency_ms / 1000, 0, 0)
        self._record(call, result, "offline")
        return result

    @staticmethod
    def _result(
        call: _Call, text: str, parsed: BaseModel | None, *, dep: Deployment | None, decided: DecidedBy, why: str | None
    ) -> GatewayResult:
        return GatewayResult(
            text=text,
            parsed=parsed,
            provider=dep.provider if dep else OFFLINE,
            model=dep.model if dep else None,
            deployment_id=dep.deployment_id if dep else None,
            input_tokens=call.input_tokens,
            output_tokens=call.output_tokens,
            latency_ms=(time.perf_counter() - call.started) * 1000,
            cost_usd=call.cost_usd,
            fallback_path=call.path,
            decided_by=decided,
            error_class=why,
        )

    def _record(self, call: _Call, result: GatewayResult, outcome: str) -> None:
        self._budget.add(call.user_ref, result.cost_usd, counted=result.decided_by != "budget")
        if self._engine is None:
            return
        row = LLMCall(
            task=call.task[:40],
            provider=result.provider,
            model=result.model,
            deployment_id=result.deployment_id,
            user_ref=call.user_ref[:64] if call.user_ref else None,
            input_tokens=result.input_tokens,
            output_tokens=result.output_tokens,
            cost_usd=result.cost_usd,
            latency_ms=result.latency_ms,
            outcome=outcome,
            error_class=result.error_class,
            fallback_path=[a.as_record() for a in result.fallback_path],
            prompt=json.dumps(call.messages, ensure_ascii=False) if self.llm.log_prompts else None,
        )
        write_call(self._engine, row)

    def _circuit_changed(self, breaker: CircuitBreaker) -> None:
        self.metrics.set_circuit(breaker.provider, STATE_GAUGE[breaker.state])
        self._health.save_circuit(breaker)
