"""The low-code web-source editor: its test button extracts rows from the localgov sample, uploaded or fetched
from a local server, and saving stores the definition switched off, with an audit row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from engine.admin.sources import save_web_source, try_definition, web_definition_yaml
from engine.app import Aegis
from engine.collectors.web import load_definition
from engine.collectors.web.definitions import bundled_definitions
from engine.overrides import audit_entries
from tests.dashboard.conftest import NOW, SAMPLES

SAMPLE_TITLES = 6  # the support-program rows of list.html the dangjin definition keeps


def _dangjin(list_url: str | None = None) -> dict[str, object]:
    payload = dict(bundled_definitions())["localgov_dangjin.yaml"]
    data: dict[str, object] = yaml.safe_load(payload)
    data["name"] = "test_board"
    if list_url:
        data["list_url"] = list_url
    return data


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def sample_server() -> Iterator[str]:
    """The localgov sample folder served on 127.0.0.1 (robots.txt absent: 404, so fetching is allowed)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(SAMPLES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_try_definition_on_an_uploaded_page_returns_the_rows() -> None:
    out = try_definition(load_definition(_dangjin()), page=(SAMPLES / "list.html").read_bytes())
    titles = [row["title"] for row in out["rows"]]
    assert len(titles) == len(set(titles))  # the hidden mobile copy is never read
    assert out["skipped"]  # the 고시, exam result and tender rows are filtered by title
    assert all(row["url"].startswith("https://www.dangjin.go.kr/") for row in out["rows"])


def test_editor_test_button_extracts_rows_from_an_uploaded_sample(core: Aegis, app: Callable[..., AppTest]) -> None:
    at = app("sources")
    at.text_area(key="ed_yaml_(새 웹 소스)").input(yaml.safe_dump(_dangjin(), allow_unicode=True))
    at.file_uploader(key="ed_file_(새 웹 소스)").set_value(
        ("list.html", (SAMPLES / "list.html").read_bytes(), "text/html")
    )
    at.button(key="ed_test_(새 웹 소스)").click().run()
    assert not at.exception, at.exception
    expected = try_definition(load_definition(_dangjin()), page=(SAMPLES / "list.html").read_bytes())["rows"]
    shown = next(f.value for f in at.dataframe if "title" in f.value.columns)
    assert list(shown["title"]) == [row["title"] for row in expected]
    assert at.success[0].value.startswith(f"추출된 공고 {len(expected)}건")


def test_editor_test_button_fetches_the_list_url_from_the_form_fields(
    core: Aegis, app: Callable[..., AppTest], sample_server: str
) -> None:
    at = app("sources")
    definition = _dangjin(f"{sample_server}/list.html")
    listing = definition["listing"]
    assert isinstance(listing, dict)
    new = "(새 웹 소스)"
    at.text_input(key=f"ed_name_{new}").input("test_board")
    at.text_input(key=f"ed_label_{new}").input("시험 게시판")
    at.text_input(key=f"ed_url_{new}").input(str(definition["list_url"]))
    at.text_input(key=f"ed_row_{new}").input(listing["row"])
    at.text_input(key=f"ed_title_{new}").input(listing["title"])
    at.text_input(key=f"ed_date_{new}").input(listing["date"])
    at.text_input(key=f"ed_id_{new}").input(listing["id_param"])
    at.button(key=f"ed_test_{new}").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    shown = next(f.value for f in at.dataframe if "title" in f.value.columns)
    form = {
        "name": "test_board",
        "label": "시험 게시판",
        "list_url": definition["list_url"],
        "listing": {k: listing[k] for k in ("row", "title", "date", "id_param")},
    }
    offline = try_definition(load_definition(form), page=(SAMPLES / "list.html").read_bytes())["rows"]
    assert list(shown["title"]) == [row["title"] for row in offline]
    assert all(url.startswith(sample_server) for url in shown["url"])


def test_saving_a_definition_stores_it_switched_off_with_an_audit_row(core: Aegis) -> None:
    created = save_web_source(core.db, definition=load_definition(_dangjin()), actor="dashboard:operator", now=NOW)
    assert created
    assert yaml.safe_load(web_definition_yaml(core.db, name="test_board"))["label"] == "당진시 고시/공고"
    [entry] = audit_entries(core.db)
    assert (entry["action"], entry["target"], entry["detail"]["before"]) == ("source.definition", "test_board", None)
