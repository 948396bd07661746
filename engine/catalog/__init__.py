"""The bundled financial-products catalog (SEMAS, KOSMES and 신용보증 products) as YAML package data."""

from __future__ import annotations

import datetime as dt
from importlib import resources

CATALOG_FILE = "financial_products.yaml"
CATALOG_SOURCE = "catalog"  # the collector's name: the source of every catalog product's key
STALE_AFTER_DAYS = 180  # a product whose terms are older than this is flagged (operator and every front)


def is_stale(as_of_terms: dt.date | None, today: dt.date) -> bool:
    """Return whether terms stated as of `as_of_terms` are too old to show without a warning."""
    return as_of_terms is None or (today - as_of_terms).days > STALE_AFTER_DAYS


def bundled_catalog() -> bytes:
    """Return the bundled catalog's YAML bytes."""
    return resources.files(__name__).joinpath(CATALOG_FILE).read_bytes()
