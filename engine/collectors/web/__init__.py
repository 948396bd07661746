"""Declarative (low-code) web sources: a board described as data, scraped politely through the collector protocol.

definition (YAML / `sources.config`) → fetch (polite, robots.txt) → extract (pure) → collector → ingest.
"""

from engine.collectors.web.collector import DeclarativeCollector
from engine.collectors.web.definition import SourceDefinition, load_definition
from engine.collectors.web.extract import Row, scrape_detail, scrape_list
from engine.collectors.web.fetch import PoliteFetcher

__all__ = [
    "DeclarativeCollector",
    "PoliteFetcher",
    "Row",
    "SourceDefinition",
    "load_definition",
    "scrape_detail",
    "scrape_list",
]
