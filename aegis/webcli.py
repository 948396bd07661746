"""`aegis scrape-test`: run a declarative web-source definition against saved pages, before saving it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the web-source commands to the CLI."""
    app.command("scrape-test")(scrape_test_cmd)


def scrape_test_cmd(
    source_file: Annotated[Path, typer.Option("--source-file", help="A source definition (YAML).")],
    file: Annotated[Path, typer.Option("--file", help="A saved list page (HTML).")],
    detail: Annotated[Path | None, typer.Option("--detail", help="A saved detail page (HTML).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run a definition against saved pages and show the rows and detail fields it extracts."""
    from engine.inputs import read_payload
    from engine.web_sources import scrape_test

    out = scrape_test(
        read_payload(source_file), read_payload(file), read_payload(detail) if detail is not None else None
    )
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    typer.echo(f"{out['source']}: 공고 {len(out['rows'])}건 (제외 {len(out['skipped'])}건)")
    for row in out["rows"]:
        typer.echo(f"  {row['date'] or '-'}  {row['title']}  {row['url']}")
    for name, text in out["detail"].items():
        if name != "body":
            typer.echo(f"[{name}] {text}")
