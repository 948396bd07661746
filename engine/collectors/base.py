"""The collector protocol: every source parses its own payloads into canonical `ProgramRecord`s.

A collector knows its source's formats and traps (`parse`) and how to fetch pages live (`collect`);
the shared ingest pipeline (engine/ingest.py) does the rest: eligibility extraction, upsert, change
detection, de-duplication and the run record. `aegis import` and `aegis collect` go through the same path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from engine.domain import ProgramRecord

if TYPE_CHECKING:
    from engine.collectors.http import SourceHttp
    from engine.settings import SourceKeys


@dataclass(frozen=True)
class Rejection:
    """A record that could not be used, with its reason (the rest of the batch still lands)."""

    ref: str  # external id, or the record's position when it has none
    reason: str

    def __str__(self) -> str:
        return f"{self.ref}: {self.reason}"


@dataclass
class Batch:
    """What one payload (or one live collection) yielded.

    `complete` is True only when the listing is provably complete (e.g. 기업마당 `totCnt` equals the
    ids received): only then may programs missing from it be closed.
    """

    source: str
    records: list[ProgramRecord] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    complete: bool = False

    @property
    def received(self) -> int:
        """Return how many records the payload held, usable or not."""
        return len(self.records) + len(self.rejected)

    def extend(self, other: Batch) -> None:
        """Append another page of the same source."""
        self.records.extend(other.records)
        self.rejected.extend(other.rejected)


# The facts every collector class declares about itself; the sources table, redaction, de-duplication
# and the key lookup are derived from them (a meta-test fails when a registered class lacks one).
# Declarative web sources are registered at run time, from the `sources` table: their rank in a group.
WEB_DEDUP_PRIORITY = 50  # after the national portals, which carry the same notices
COLLECTOR_FACTS = ("name", "label", "kind", "key_setting", "schedule", "dedup_priority", "standalone", "secret_params")


class CollectorFacts(Protocol):
    """What a collector says about its source. Built-in collectors set these on the class."""

    @property
    def name(self) -> str:
        """Return '<source>' of '<source>:<external id>'."""
        ...

    @property
    def label(self) -> str:
        """Return the Korean display name."""
        ...

    @property
    def kind(self) -> str:
        """Return api, html or catalog."""
        ...

    @property
    def key_setting(self) -> str | None:
        """Return the `SourceKeys` field that holds the source's key (None: the source needs no key)."""
        ...

    @property
    def schedule(self) -> str | None:
        """Return the default cron expression (Asia/Seoul) of scheduled collection; None: never scheduled."""
        ...

    @property
    def dedup_priority(self) -> int:
        """Return the rank of the source's record in a duplicate group: the lowest becomes canonical."""
        ...

    @property
    def standalone(self) -> bool:
        """Return True when the source's records stand alone (products, not notices): never grouped."""
        ...

    @property
    def secret_params(self) -> tuple[str, ...]:
        """Return the query parameters that carry the source's secrets (masked in URLs, logs, errors)."""
        ...


class Collector(CollectorFacts, Protocol):
    """One source. `parse` is pure (payload → records, no extraction); `collect` fetches live pages."""

    def parse(self, payload: bytes, **options: Any) -> Batch:
        """Parse one payload in the source's live format; raise a SourceError for error responses."""
        ...

    async def collect(self, http: SourceHttp, keys: SourceKeys) -> Batch:
        """Fetch every page of the live listing and parse it."""
        ...


class CollectorClass(CollectorFacts, Protocol):
    """A built-in collector class as the registry holds it: its facts on the class, built without arguments."""

    def __call__(self) -> Collector:
        """Build the collector."""
        ...


def configured_key(facts: CollectorFacts, keys: SourceKeys) -> str | None:
    """Return the source's key from the settings (stripped), or None when it needs none or none is set."""
    if facts.key_setting is None:
        return None
    secret = getattr(keys, facts.key_setting, None)
    value = secret.get_secret_value().strip() if secret is not None else ""
    return value or None
