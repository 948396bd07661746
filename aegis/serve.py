"""Long-running commands: `aegis jobs`, `aegis bot`, `aegis dashboard`, `aegis run`.

`jobs` and `bot` run in this process. `dashboard` and `run` supervise child processes: SIGTERM or
SIGINT (Ctrl-C) is forwarded to every child, and the command returns once all of them have exited.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from engine.errors import InvalidInput

if TYPE_CHECKING:
    from engine.app import Aegis
    from engine.settings import Settings

log = logging.getLogger(__name__)

STREAMLIT_APP = Path(__file__).resolve().parent.parent / "streamlit_app.py"
STOP_GRACE_S = 10.0  # after this, children that ignore SIGTERM are killed
POLL_S = 0.2
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
DEFAULT_ADDRESS = "127.0.0.1"  # only this machine by default


def _settings() -> Settings:
    from engine.app import load_settings

    return load_settings()


def _core() -> Aegis:
    from engine.app import build_core

    return build_core(_settings())


def child_env() -> dict[str, str]:
    """Return the environment for child processes: ours (every AEGIS_* setting) plus the offline LLM flags."""
    env = dict(os.environ)
    env.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    env.setdefault("LITELLM_OFFLINE_MODE", "true")
    return env


def dashboard_argv(port: int, address: str = DEFAULT_ADDRESS) -> list[str]:
    """Return the command that serves the Streamlit dashboard on `address`:`port`."""
    if not STREAMLIT_APP.is_file():
        raise InvalidInput(f"{STREAMLIT_APP} not found: run Aegis from a source checkout (pip install -e .)")
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(STREAMLIT_APP),
        "--server.address",
        address,  # also spares Streamlit its external-IP lookup, which hangs offline
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",  # operators get no "Deploy" button
        "--server.fileWatcherType",
        "none",  # a served dashboard does not reload on edits (and spends no CPU watching files)
    ]


def aegis_argv(*args: str) -> list[str]:
    """Return the command that runs an `aegis` subcommand with this interpreter."""
    return [sys.executable, "-m", "aegis.cli", *args]


class Supervisor:
    """Start child processes, forward SIGTERM/SIGINT to them and wait until every one has exited."""

    def __init__(self, *, grace_s: float = STOP_GRACE_S) -> None:
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.grace_s = grace_s
        self.stop_requested_at: float | None = None
        self._previous_handlers: dict[int, object] = {}

    def start(self, name: str, argv: list[str]) -> None:
        """Start a child in its own session, so that only we decide when it stops."""
        if not self._previous_handlers:  # before the first child: a signal must never orphan one
            self._previous_handlers = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        self.children[name] = subprocess.Popen(argv, env=child_env(), start_new_session=True)

    def stop(self, signum: int = signal.SIGTERM) -> None:
        """Ask every running child to stop."""
        if self.stop_requested_at is None:
            self.stop_requested_at = time.monotonic()
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signum)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping %s", signum, ", ".join(self.children))
        self.stop(signal.SIGTERM)

    def wait(self) -> int:
        """Wait for the children; return 0 after a requested stop, else the code of the child that died."""
        died: int | None = None
        try:
            while any(child.poll() is None for child in self.children.values()):
                for name, child in self.children.items():
                    returncode = child.poll()
                    if returncode is not None and self.stop_requested_at is None:
                        # One part ended on its own: stop the rest rather than run half a system.
                        log.error("%s exited with code %d; stopping the others", name, returncode)
                        died = returncode
                        self.stop()
                if self.stop_requested_at is not None and time.monotonic() - self.stop_requested_at > self.grace_s:
                    for child in self.children.values():
                        if child.poll() is None:
                            child.kill()
                time.sleep(POLL_S)
        finally:
            self.stop()
            for sig, handler in self._previous_handlers.items():
                signal.signal(sig, handler)  # type: ignore[arg-type]
            self._previous_handlers = {}
        if died is not None:
            return died if died >= 0 else 1
        # A child that stopped on our SIGTERM may report -SIGTERM; that is a clean stop too.
        clean = (0, -signal.SIGTERM)
        return next((c.returncode for c in self.children.values() if c.returncode not in clean), 0)


PortOpt = Annotated[int | None, typer.Option("--port", help="대시보드 포트 (기본 AEGIS_DASHBOARD_PORT, 8501).")]
AddressOpt = Annotated[str, typer.Option("--address", help="대시보드 주소; 0.0.0.0이면 네트워크에 공개.")]


def _exit(code: int) -> None:
    # The CLI runs Click with standalone_mode=False, which swallows typer.Exit codes; SystemExit passes.
    if code:
        sys.exit(code)


def _parse_import(value: str) -> tuple[str, Path]:
    from engine.collectors import get_collector

    source, sep, path = value.partition(":")
    if not sep or not path:
        raise InvalidInput(f"--import expects SOURCE:PATH, got {value!r}")
    get_collector(source)  # an unknown source is bad input before anything starts
    file = Path(path)
    if not file.is_file():
        raise InvalidInput(f"cannot read {file}: no such file")
    return source, file


def _prepare_dashboard_login(settings: Settings) -> None:
    from aegis.dashcli import announce_login, prepare_login

    announce_login(prepare_login(password_hash_set=settings.dashboard.password_hash is not None))


def register(app: typer.Typer) -> None:
    """Add the long-running commands to the CLI."""

    @app.command("jobs", epilog="예:  aegis jobs  ·  aegis jobs --once  ·  aegis jobs --import bizinfo:bizinfo.json")
    def jobs_cmd(
        imports: Annotated[
            list[str] | None,
            typer.Option("--import", help="시작할 때 가져오기 작업 SOURCE:PATH를 예약 (여러 번 가능)."),
        ] = None,
        once: Annotated[
            bool, typer.Option("--once", help="예약 작업을 순서대로 한 번씩 돌리고 끝냅니다 (0/1).")
        ] = False,
    ) -> None:
        """작업 실행기: 예약 수집·마감 처리·알림 발송을 돌립니다 (리더 한 대만 예약 실행, SIGTERM/Ctrl-C로 종료)."""
        from jobs.runner import queue_imports, run_jobs, run_once

        queued = [_parse_import(value) for value in imports or []]
        core = _core()
        queue_imports(core, queued)
        _exit(run_once(core) if once else run_jobs(core))

    @app.command("bot", epilog="예:  AEGIS_TELEGRAM__BOT_TOKEN=123:ABC aegis bot")
    def bot_cmd() -> None:
        """텔레그램 봇을 실행합니다 (롱 폴링, SIGTERM/Ctrl-C로 종료)."""
        from bot.app import run_bot

        _exit(run_bot(_core()))

    @app.command("dashboard", epilog="예:  aegis dashboard --port 8501")
    def dashboard_cmd(port: PortOpt = None, address: AddressOpt = DEFAULT_ADDRESS) -> None:
        """운영자 대시보드(Streamlit)를 띄웁니다 (SIGTERM/Ctrl-C로 종료)."""
        _prepare_dashboard_login(_settings())
        supervisor = Supervisor()
        supervisor.start("dashboard", dashboard_argv(port or _settings().dashboard_port, address))
        _exit(supervisor.wait())

    @app.command("run", epilog="예:  aegis run  ·  aegis run --port 8600")
    def run_cmd(port: PortOpt = None, address: AddressOpt = DEFAULT_ADDRESS) -> None:
        """대시보드와 작업 실행기(토큰이 있으면 봇도)를 함께 띄웁니다; Ctrl-C로 모두 멈춥니다."""
        settings = _settings()
        port = port or settings.dashboard_port
        _prepare_dashboard_login(settings)
        supervisor = Supervisor()
        supervisor.start("dashboard", dashboard_argv(port, address))
        supervisor.start("jobs", aegis_argv("jobs"))
        token = settings.telegram.bot_token
        parts = "대시보드, 작업 실행기"
        if token is not None and token.get_secret_value().strip():
            supervisor.start("bot", aegis_argv("bot"))
            parts += ", 텔레그램 봇"
        typer.echo(f"이지스(Aegis) 실행 중 ({parts}). 대시보드: http://localhost:{port}  (Ctrl-C로 모두 종료)")
        _exit(supervisor.wait())
