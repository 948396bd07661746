"""Polite fetching for web sources: one request at a time per host, delays, robots.txt, size and host limits.

Outside errors are translated here into the SourceError tree; nothing leaves the configured host.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from engine.collectors.http import status_error
from engine.errors import SourceError, SourceFormatError, SourceUnavailable

log = logging.getLogger(__name__)

ROBOTS_AGENT = "AegisBot"  # the product token robots.txt rules are matched against
MAX_REDIRECTS = 3
MAX_RETRY_WAIT_S = 30.0


@dataclass(frozen=True)
class Page:
    """One fetched page: its final URL, body and the charset its Content-Type header declared."""

    url: str
    body: bytes
    charset: str | None = None


class _HostGate:
    """Serialises requests to one host and spaces them by the delay (per event loop)."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.last = float("-inf")


# Module-level so that two sources on one host still take turns; keyed by loop, since asyncio locks are.
_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _HostGate]] = weakref.WeakKeyDictionary()


def _gate(host: str) -> _HostGate:
    per_loop = _gates.setdefault(asyncio.get_running_loop(), {})
    return per_loop.setdefault(host, _HostGate())


class PoliteFetcher:
    """Fetch pages of one source's host: robots.txt honoured, redirects limited, bodies capped."""

    def __init__(
        self,
        *,
        source: str,
        host: str,
        user_agent: str,
        delay_s: float = 2.0,
        timeout_s: float = 15.0,
        max_bytes: int = 3_000_000,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.source = source
        self.host = host.lower()
        self.user_agent = user_agent
        self.delay_s = delay_s
        self.max_bytes = max_bytes
        self.retries = retries
        self._sleep = sleep
        self._robots: dict[str, RobotFileParser | None] = {}
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            follow_redirects=False,  # followed by hand so that every hop is checked against the host
            headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
            transport=transport,
        )

    async def __aenter__(self) -> PoliteFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying client."""
        await self._client.aclose()

    async def get(self, url: str) -> Page:
        """Return the page at `url` after checking scheme, host and robots.txt."""
        self._check_url(url)
        if not await self.allowed(url):
            raise SourceError(
                f"{self.source}: robots.txt of {self.host} disallows {urlsplit(url).path or '/'}; not collecting",
                source=self.source,
                code="robots",
                user_message="이 사이트의 robots.txt가 수집을 허용하지 않아 수집하지 않았습니다.",
            )
        return await self._fetch(url)

    async def allowed(self, url: str) -> bool:
        """Return whether robots.txt lets Aegis fetch `url` (fetched once per origin)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = await self._load_robots(origin)
        robots = self._robots[origin]
        return robots is None or robots.can_fetch(ROBOTS_AGENT, url)

    async def _load_robots(self, origin: str) -> RobotFileParser | None:
        try:
            page = await self._fetch(f"{origin}/robots.txt")
        except SourceUnavailable:
            raise  # RFC 9309: an unreachable robots.txt means "do not crawl yet"
        except SourceError:
            return None  # 4xx: no robots.txt, everything is allowed
        parser = RobotFileParser()
        parser.parse(page.body.decode("utf-8", errors="replace").splitlines())
        return parser

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise SourceFormatError(f"{self.source}: only http(s) URLs are fetched, not {url!r}", source=self.source)
        if (parts.hostname or "").lower() != self.host:
            raise SourceFormatError(
                f"{self.source}: {parts.hostname} is outside the configured host {self.host}", source=self.source
            )

    async def _fetch(self, url: str) -> Page:
        for _ in range(MAX_REDIRECTS + 1):
            status, headers, body = await self._request(url)
            if status in (301, 302, 303, 307, 308) and headers.get("location"):
                target = urljoin(url, headers["location"])
                try:
                    self._check_url(target)
                except SourceFormatError as exc:
                    raise SourceFormatError(f"{self.source}: redirect refused: {exc}", source=self.source) from exc
                url = target
                continue
            return Page(url=url, body=body, charset=_charset(headers.get("content-type")))
        raise SourceFormatError(f"{self.source}: more than {MAX_REDIRECTS} redirects at {url}", source=self.source)

    async def _request(self, url: str) -> tuple[int, httpx.Headers, bytes]:
        """One GET with retries on transport errors, 5xx and 429; raise the SourceError for the rest."""
        attempt = 0
        while True:
            error: SourceError
            try:
                status, headers, body = await self._once(url)
            except httpx.TransportError as exc:
                error = SourceUnavailable(f"{self.source}: {type(exc).__name__} at {url}", source=self.source)
                error.__cause__ = exc
            else:
                if status < 400:
                    return status, headers, body
                error = _status_error(self.source, status, url, headers)
            if not error.retryable or attempt >= self.retries:
                raise error
            attempt += 1
            wait = getattr(error, "retry_after", None) or self.delay_s * 2**attempt
            await self._sleep(min(wait, MAX_RETRY_WAIT_S))

    async def _once(self, url: str) -> tuple[int, httpx.Headers, bytes]:
        gate = _gate(self.host)
        async with gate.lock:
            wait = gate.last + self.delay_s - time.monotonic()
            if wait > 0:
                await self._sleep(wait)
            try:
                async with self._client.stream("GET", url) as response:
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > self.max_bytes:
                        raise self._too_large(url)
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.aiter_bytes():  # decoded: the cap also stops a gzip bomb
                        size += len(chunk)
                        if size > self.max_bytes:
                            raise self._too_large(url)
                        chunks.append(chunk)
                    return response.status_code, response.headers, b"".join(chunks)
            finally:
                gate.last = time.monotonic()

    def _too_large(self, url: str) -> SourceFormatError:
        return SourceFormatError(
            f"{self.source}: page larger than {self.max_bytes} bytes refused: {url}", source=self.source, code="size"
        )


def _status_error(source: str, status: int, url: str, headers: httpx.Headers) -> SourceError:
    refused = status in (401, 403)
    return status_error(
        source,
        status,
        f"{source}: HTTP {status} at {url}"
        + (": the site refused the request (set the definition's user_agent?)" if refused else ""),
        retry_after=headers.get("retry-after"),
        user_message="사이트가 요청을 거부했습니다. 출처 정의의 User-Agent 설정을 확인해 주세요." if refused else None,
    )


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    value = message.get_param("charset")
    return value if isinstance(value, str) else None
