"""The bundled demo snapshot that `aegis demo load` imports on a fresh machine.

Realistic programs written for the project (agencies are real; the notices, numbers and contacts are
illustrative), dated around late November 2026, stored in the sources' real live formats:

- `bizinfo.json`: a 기업마당 `bizinfoApi.do` answer (`{"jsonArray": [...]}`), 21 notices;
- `kstartup.json`: a K-Startup odcloud page (`currentCount`/`data`/...), 8 announcements;
- and the real bundled financial-products catalog (`engine/catalog/financial_products.yaml`).

Windows are mostly open around 2026-11-26, with always-open, upcoming, closed and `추후 공지` ones,
and two programs are posted on both portals so de-duplication shows. The files ship inside the
package and go through the normal import path (collector parse → ingest); nothing is inserted
around it, and `../shared` is never read at run time.
"""

from __future__ import annotations

from importlib import resources

# (source, file) in import order: 기업마당 first, so it holds the canonical record of a shared program.
DEMO_FILES: tuple[tuple[str, str], ...] = (
    ("bizinfo", "bizinfo.json"),
    ("kstartup", "kstartup.json"),
)


def demo_payloads() -> list[tuple[str, bytes]]:
    """Return the bundled `(source, payload bytes)` pairs in import order, the financial-products catalog last."""
    package = resources.files(__name__)
    payloads = [(source, package.joinpath(name).read_bytes()) for source, name in DEMO_FILES]
    catalog = resources.files("engine.catalog").joinpath("financial_products.yaml").read_bytes()
    return [*payloads, ("catalog", catalog)]
