"""Bench the LLM gateway against a local fake OpenAI-compatible server and print the figures.

Overhead of the whole gateway over a direct `litellm.acompletion` at p50 (target ≤ 3 ms), and the
time to serve from the second provider while the first one's circuit is open (target ≤ 50 ms added).
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")

from prometheus_client import CollectorRegistry  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import db.models  # noqa: E402, F401 - registers the tables
from db.session import make_engine  # noqa: E402
from engine.gateway import Gateway  # noqa: E402
from engine.gateway.router import RawAnswer, import_litellm  # noqa: E402
from engine.settings import LLMSettings, ProviderSettings  # noqa: E402

N = 400
WARMUP = 30
MSGS = [{"role": "user", "content": "청년 창업 지원금 알려줘"}]


def load_fake() -> Any:
    """Load the tests' fake LLM server by path (tests/ is not a package)."""
    path = ROOT / "tests" / "engine" / "gateway" / "fake_llm.py"
    spec = importlib.util.spec_from_file_location("bench_fake_llm", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.FakeLLM().start()


def settings(fake: Any, chain: str) -> LLMSettings:
    """Return settings with openai and selfhosted on the fake server (no prices: LiteLLM's map)."""
    return LLMSettings(
        chain=chain,
        openai=ProviderSettings(api_key="sk-bench", api_base=fake.base("openai"), model="gpt-4.1"),
        selfhosted=ProviderSettings(api_base=fake.base("selfhosted"), model="gpt-4.1"),
        timeout_s=5.0,
        max_retries=0,
        breaker_failures=1,
        breaker_recovery_s=3600,
        daily_cost_cap_usd=1e9,
        per_user_daily_requests=0,
    )


async def interleaved_p50(scenarios: dict[str, Callable[[], Awaitable[Any]]]) -> dict[str, float]:
    """Return each scenario's median ms; calls are interleaved so machine noise hits all of them alike."""
    for fn in scenarios.values():
        for _ in range(WARMUP):
            await fn()
    times: dict[str, list[float]] = {name: [] for name in scenarios}
    for _ in range(N):
        for name, fn in scenarios.items():
            t0 = time.perf_counter()
            await fn()
            times[name].append((time.perf_counter() - t0) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


async def own_code_us(gateway: Gateway) -> float:
    """Return the gateway's own time per call in µs, with the Router call replaced by an instant answer."""
    raw = RawAnswer(text="ok", input_tokens=12, output_tokens=7, litellm_cost=1e-5, model="gpt-4.1")

    async def instant(
        dep: Any, messages: Any, *, max_tokens: int | None = None, response_format: Any = None
    ) -> RawAnswer:
        return raw

    gateway._router.call = instant  # type: ignore[method-assign]  # bench only: isolate our own code
    for _ in range(WARMUP):
        await gateway.complete("bench", MSGS)
    t0 = time.perf_counter()
    for _ in range(N * 10):
        await gateway.complete("bench", MSGS, user_ref="u")
    return (time.perf_counter() - t0) / (N * 10) * 1e6


async def main() -> None:
    """Run every scenario interleaved and print the medians and the overheads."""
    logging.basicConfig(level=logging.ERROR)  # the breaker's "circuit opened" warning is expected here
    fake = load_fake()
    litellm = import_litellm()
    router = litellm.Router(
        model_list=[
            {
                "model_name": "m",
                "litellm_params": {"model": "openai/gpt-4.1", "api_key": "sk-bench", "api_base": fake.base("openai")},
            }
        ],
        num_retries=0,
        timeout=5.0,
        disable_cooldowns=True,
    )
    tmp = tempfile.mkdtemp()
    engine = make_engine(f"sqlite:///{tmp}/bench.db")
    SQLModel.metadata.create_all(engine)
    plain = Gateway.from_settings(settings(fake, "openai"), registry=CollectorRegistry())
    recorded = Gateway.from_settings(settings(fake, "openai"), engine=engine, registry=CollectorRegistry())
    second_only = Gateway.from_settings(settings(fake, "selfhosted"), registry=CollectorRegistry())
    fallback = Gateway.from_settings(settings(fake, "openai,selfhosted"), registry=CollectorRegistry())
    fake.script("openai", "503")
    await fallback.complete("bench", MSGS)  # opens openai's circuit (breaker_failures=1)
    assert fallback.status()[0].state == "open"
    fake.script("openai", "ok")

    async def direct() -> Any:
        return await litellm.acompletion(
            model="openai/gpt-4.1", api_key="sk-bench", api_base=fake.base("openai"), messages=MSGS, timeout=5.0
        )

    async def direct_second() -> Any:
        return await litellm.acompletion(
            model="openai/gpt-4.1", api_key="x", api_base=fake.base("selfhosted"), messages=MSGS, timeout=5.0
        )

    scenarios: dict[str, Callable[[], Awaitable[Any]]] = {
        "direct litellm.acompletion": direct,
        "bare Router.acompletion": lambda: router.acompletion(model="m", messages=MSGS, timeout=5.0),
        "gateway (no database)": lambda: plain.complete("bench", MSGS),
        "gateway (+ llm_calls row, SQLite)": lambda: recorded.complete("bench", MSGS, user_ref="u"),
        "direct to second provider": direct_second,
        "gateway, second provider only": lambda: second_only.complete("bench", MSGS),
        "gateway, first circuit open": lambda: fallback.complete("bench", MSGS),
    }
    best = await interleaved_p50(scenarios)
    fake.stop()
    own = await own_code_us(Gateway.from_settings(settings(fake, "openai"), registry=CollectorRegistry()))
    own_db = await own_code_us(
        Gateway.from_settings(settings(fake, "openai"), engine=engine, registry=CollectorRegistry())
    )

    print(f"LLM gateway bench: p50 of {N} interleaved calls per scenario to a fake server on 127.0.0.1")
    for name, value in best.items():
        print(f"  {name:<36} {value:7.2f} ms")
    base = best["direct litellm.acompletion"]
    print(f"  router overhead over direct            {best['bare Router.acompletion'] - base:+7.2f} ms")
    print(f"  gateway overhead over direct           {best['gateway (no database)'] - base:+7.2f} ms  (target <= 3 ms)")
    print(f"  gateway + record overhead over direct  {best['gateway (+ llm_calls row, SQLite)'] - base:+7.2f} ms")
    open_added = best["gateway, first circuit open"] - best["direct to second provider"]
    print(f"  second provider, first circuit open    {open_added:+7.2f} ms added over direct  (target <= 50 ms)")
    skip = best["gateway, first circuit open"] - best["gateway, second provider only"]
    print(f"    of which skipping the open circuit   {skip:+7.2f} ms")
    print(f"  gateway's own code per call (no I/O)   {own:7.0f} us; with the llm_calls row {own_db:7.0f} us")


if __name__ == "__main__":
    asyncio.run(main())
