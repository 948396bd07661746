"""A fake board on 127.0.0.1 serving the localgov sample pages, and definitions pointed at it (see conftest)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from engine.collectors.web import SourceDefinition, load_definition

FIXTURES = Path(__file__).parents[3] / "fixtures" / "localgov"
BUNDLED = Path(__file__).parents[4] / "engine" / "collectors" / "web" / "definitions"
LIST = (FIXTURES / "list.html").read_bytes()
DETAIL_EUCKR = (FIXTURES / "detail_1.euckr.html").read_bytes()
DETAIL_UTF8 = (FIXTURES / "detail_2.html").read_bytes()
BOARD = "/board/list.do"
# Past the last page the board shows one 'no posts' row without a link.
EMPTY = re.sub(
    rb"<tbody>.*?</tbody>", "<tbody><tr><td colspan='5'>게시물이 없습니다.</td></tr></tbody>".encode(), LIST, flags=re.S
)


def second_page() -> bytes:
    """Return page 2 of the board: the same pinned rows, then older notices with new ids."""
    html = LIST.decode("utf-8")
    for old, new in (("58209", "57209"), ("58188", "57188"), ("58176", "57176"), ("58133", "57133")):
        html = html.replace(f"nttId={old}", f"nttId={new}")
    return html.replace("pageIndex=1", "pageIndex=2").encode("utf-8")


@dataclass
class FakeBoard:
    """What the fake server answers; tests change it and read `requests` afterwards."""

    port: int = 0
    robots: str = "User-agent: *\nDisallow: /private/\n"
    pages: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path?query, user agent)
    failures: int = 0  # how many more requests under /flaky/ answer 503

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _Handler(BaseHTTPRequestHandler):
    board: FakeBoard

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        board = self.server.board  # type: ignore[attr-defined]
        agent = self.headers.get("User-Agent", "")
        board.requests.append((self.path, agent))
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path.startswith("/flaky/") and board.failures > 0:
            board.failures -= 1
            return self._send(503, b"busy", "text/plain")
        if url.path == "/robots.txt":
            return self._send(200, board.robots.encode(), "text/plain")
        if url.path.startswith("/ua/") and "Mozilla/" not in agent:
            return self._send(403, b"Forbidden", "text/plain")  # like 부산시: no browser-like UA, no page
        if url.path == "/big/list.do":
            return self._send(200, b"<html>" + b"x" * 200_000 + b"</html>", "text/html")
        if url.path == "/hop/list.do":
            self.send_response(302)
            self.send_header("Location", "http://evil.example.com/list.do")
            self.end_headers()
            return None
        if url.path in board.pages:
            return self._send(200, board.pages[url.path], "text/html; charset=utf-8")
        if url.path.endswith("list.do"):
            page = query.get("pageIndex", ["1"])[0]
            body = LIST if page == "1" else second_page() if page == "2" else EMPTY
            return self._send(200, body, "text/html; charset=utf-8")
        if url.path.endswith("view.do"):
            if query.get("nttId") == ["58213"]:
                return self._send(200, DETAIL_EUCKR, "text/html")  # no header charset: the <meta> says euc-kr
            return self._send(200, DETAIL_UTF8, "text/html; charset=utf-8")
        return self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def dangjin(base: str, path: str = BOARD, **changes: Any) -> SourceDefinition:
    """Return the bundled 당진 definition pointed at `base` + `path`, without delays."""
    data = load_definition((BUNDLED / "localgov_dangjin.yaml").read_bytes()).model_dump()
    data.update(list_url=f"{base}{path}?bbsId=BBSMSTR_000000000101&pageIndex=1", allowed_host=None, delay_s=0.0)
    data.update(changes)
    return load_definition(data)


def serve(state: FakeBoard) -> ThreadingHTTPServer:
    """Start the fake server for `state` in a daemon thread and return it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.board = state  # type: ignore[attr-defined]
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return server


def bundled_dangjin() -> SourceDefinition:
    """Return the bundled 당진 definition as shipped."""
    return load_definition((BUNDLED / "localgov_dangjin.yaml").read_bytes())
