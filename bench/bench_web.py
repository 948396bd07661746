"""Bench: pages parsed per second by the declarative collector on the localgov sample pages.

Extraction alone (list rows, detail fields incl. EUC-KR decoding) and the full parse into records.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from engine.collectors.web import DeclarativeCollector, load_definition, scrape_detail, scrape_list
from engine.collectors.web.definitions import bundled_definitions

SAMPLES = Path(__file__).parents[1] / "tests" / "fixtures" / "localgov"
SECONDS = 2.0


def rate(label: str, pages_per_call: int, call: Callable[[], object]) -> None:
    """Run `call` repeatedly for about SECONDS and print pages per second."""
    call()  # warm up (BeautifulSoup, the eligibility extractor's regexes)
    calls, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < SECONDS:
        call()
        calls += 1
    print(f"{label:<44} {calls * pages_per_call / elapsed:8.1f} pages/s")


def main() -> None:
    """Print the pages-per-second figures."""
    payload = dict(bundled_definitions())["localgov_dangjin.yaml"]
    definition = load_definition(payload)
    listing = (SAMPLES / "list.html").read_bytes()
    euckr = (SAMPLES / "detail_1.euckr.html").read_bytes()
    utf8 = (SAMPLES / "detail_2.html").read_bytes()
    collector = DeclarativeCollector(definition)
    rate("scrape_list (list.html)", 1, lambda: scrape_list(definition, listing, definition.list_url))
    rate(
        "scrape_detail (EUC-KR + UTF-8 details)",
        2,
        lambda: (scrape_detail(definition, euckr), scrape_detail(definition, utf8)),
    )
    rate(
        "collector.parse (list + 2 details -> records)",
        3,
        lambda: collector.parse(listing, details={"58213": euckr, "58209": utf8}),
    )


if __name__ == "__main__":
    main()
