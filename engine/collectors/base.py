"""The collector protocol: every source parses its own payloads into canonical `ProgramRecord`s.

A collector knows its source's formats and traps (`parse`) and how to fetch pages live (`collect`);
the shared ingest pipeline (engine/ingest.py) does the rest: validation, upsert, change detection,
de-duplication and the run record. `aegis import` and `aegis collect` go through the same path.
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


class Collector(Protocol):
    """One source. `parse` is pure; `collect` fetches live pages through an injected client."""

    # Read-only: built-in collectors set these on the class, declarative web sources per instance.
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

    def parse(self, payload: bytes, **options: Any) -> Batch:
        """Parse one payload in the source's live format; raise a SourceError for error responses."""
        ...

    async def collect(self, http: SourceHttp, keys: SourceKeys) -> Batch:
        """Fetch every page of the live listing and parse it."""
        ...


class CollectorClass(Protocol):
    """A built-in collector class as the registry holds it: named on the class, built without arguments."""

    @property
    def name(self) -> str:
        """Return the source name (a class attribute)."""
        ...

    @property
    def label(self) -> str:
        """Return the Korean display name (a class attribute)."""
        ...

    def __call__(self) -> Collector:
        """Build the collector."""
        ...
