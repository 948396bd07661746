"""The real bot (`bot.app.serve`) on its own event loop in a thread, for tests and the bench."""

from __future__ import annotations

import asyncio
import threading
import time

from bot.app import serve
from engine.app import Aegis


class BotThread:
    """The real bot (`bot.app.serve`) on its own event loop in a thread, polling a fake Bot API."""

    def __init__(self, core: Aegis) -> None:
        self.core = core
        self.loop = asyncio.new_event_loop()
        self.stop_event: asyncio.Event | None = None
        self.result: int | BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def main() -> int:
            self.stop_event = asyncio.Event()
            return await serve(self.core, self.stop_event, poll_timeout=1, reload_every_s=0.5, sender_idle_s=0.1)

        try:
            self.result = self.loop.run_until_complete(main())
        except BaseException as exc:  # handed to the test that reads it
            self.result = exc
        finally:
            self.loop.close()

    def __enter__(self) -> BotThread:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Ask the bot to stop and wait for it."""
        while self.stop_event is None and self.thread.is_alive():
            time.sleep(0.01)
        if self.stop_event is not None and self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(timeout=20)
        assert not self.thread.is_alive(), "the bot did not stop"

    def __exit__(self, *exc: object) -> None:
        self.stop()
