"""The bundled financial-products catalog (SEMAS, KOSMES and 신용보증 products) as YAML package data."""

from __future__ import annotations

from importlib import resources

CATALOG_FILE = "financial_products.yaml"


def bundled_catalog() -> bytes:
    """Return the bundled catalog's YAML bytes."""
    return resources.files(__name__).joinpath(CATALOG_FILE).read_bytes()
