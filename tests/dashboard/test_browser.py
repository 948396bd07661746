"""A real browser against `aegis dashboard` on 127.0.0.1: headless Debian Chromium driven by Playwright.

The dashboard starts with no login configured, so it prints a one-time password; the browser sees the
login gate, is refused a wrong password, logs in with the printed one and opens every page, asserting no
exception element. Screenshots land in a temporary folder (printed; kept as CI artifacts).
In CI a missing Chromium fails the test (`.ci/run` installs it); elsewhere the test is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

from dashboard.pages import PAGES

CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT_S = 60.0
OTP_LINE = re.compile(r"대시보드 일회용 비밀번호: (\S+)")


def _require_chromium() -> None:
    if CHROMIUM.is_file():
        return
    if os.environ.get("CI"):
        pytest.fail("chromium is missing: .ci/run must install it (apt-get install chromium libatomic1 fonts-noto-cjk)")
    pytest.skip("chromium not installed (apt-get install chromium libatomic1 fonts-noto-cjk)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def dashboard(populated_template: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """`aegis dashboard` on a copy of the populated database; yields (base URL, one-time password)."""
    _require_chromium()
    db = tmp_path / "aegis.db"
    shutil.copy(populated_template, db)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AEGIS_DASHBOARD__")}
    env |= {"AEGIS_DATABASE_URL": f"sqlite:///{db}", "HOME": str(tmp_path)}  # no ~/.streamlit secrets
    err = (tmp_path / "stderr.txt").open("w+", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "aegis.cli", "dashboard", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=err,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{base}/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "stderr.txt").read_text()
            time.sleep(0.3)
        match = OTP_LINE.search((tmp_path / "stderr.txt").read_text(encoding="utf-8"))
        assert match, "aegis dashboard printed no one-time password"
        yield base, match.group(1)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        err.close()


def _settle(page: Page) -> None:
    """Wait until the script run is over and every placeholder has been replaced, then let canvases paint."""
    from playwright.sync_api import expect

    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0)
    page.wait_for_timeout(1500)


def test_browser_logs_in_and_opens_every_page_without_an_exception(dashboard: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, password = dashboard
    expect.set_options(timeout=60_000)  # the first run imports and builds the core
    shots = Path(os.environ.get("AEGIS_SCREENSHOTS") or tempfile.mkdtemp(prefix="aegis-dashboard-shots-"))
    shots.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {shots}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="ko-KR")
        page.set_default_timeout(60_000)
        exceptions = page.locator('[data-testid="stException"]')

        page.goto(base)
        password_box = page.locator('input[type="password"]')
        expect(password_box).to_be_visible()
        expect(page.locator("h1")).to_have_count(0)  # no title before login
        assert "공고" not in page.locator("body").inner_text()
        page.screenshot(path=str(shots / "00-login.png"), full_page=True)

        password_box.fill("definitely wrong")
        page.get_by_role("button", name="로그인").click()
        expect(page.get_by_text("비밀번호가 올바르지 않습니다.")).to_be_visible()
        page.screenshot(path=str(shots / "01-wrong-password.png"), full_page=True)

        page.locator('input[type="password"]').fill(password)
        page.get_by_role("button", name="로그인").click()
        expect(page.locator("h1").filter(has_text="개요")).to_be_visible()
        _settle(page)

        for i, entry in enumerate(PAGES, start=2):
            page.locator('[data-testid="stSidebarNav"]').get_by_text(entry.title, exact=True).click()
            expect(page.locator("h1").filter(has_text=entry.title)).to_be_visible()
            _settle(page)
            page.screenshot(path=str(shots / f"{i:02d}-{entry.url_path}.png"), full_page=True)
            assert exceptions.count() == 0, f"{entry.title}: {exceptions.first.inner_text()}"
            assert "오류가 발생했습니다" not in page.locator("body").inner_text(), entry.title
            if entry.url_path == "simulator":  # one real recommendation, rendered
                page.get_by_role("button", name="추천 보기").click()
                _settle(page)
                page.screenshot(path=str(shots / f"{i:02d}-simulator-results.png"), full_page=True)
                assert exceptions.count() == 0, exceptions.first.inner_text()
        browser.close()
