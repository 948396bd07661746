"""`aegis scrape-test`: run a declarative web-source definition against saved pages, before saving it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the web-source commands to the CLI."""
    app.command(
        "scrape-test", epilog="예:  aegis scrape-test --source-file board.yaml --file list.html --detail detail.html"
    )(scrape_test_cmd)


def scrape_test_cmd(
    source_file: Annotated[Path, typer.Option("--source-file", help="웹 게시판 정의 (YAML).")],
    file: Annotated[Path, typer.Option("--file", help="저장한 목록 페이지 (HTML).")],
    detail: Annotated[Path | None, typer.Option("--detail", help="저장한 상세 페이지 (HTML).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON으로 출력합니다.")] = False,
) -> None:
    """웹 게시판 정의(YAML)를 저장해 둔 페이지에 돌려 뽑히는 공고와 본문 항목을 보여 줍니다."""
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
