"""``ServerThread``: an ``AssistantServer`` in a thread of its own, with its own event loop.

The pytest fixture runs the server this way, so that one server works for every kind of
test: async tests on any event loop (of any fixture scope), and plain ``def`` tests that
use a synchronous client (``openai.OpenAI``).

Rule - the server's objects belong to its thread. Every call from another thread
(``set_script``, ``add_turns``, ``inject``) runs in the server's loop and returns once done,
with the server's exception, if any; ``requests`` is a copy.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

from assistant_stream.errors import InvalidStateError

from ._faults import Fault
from ._server import AssistantServer, Received

__all__ = ["ServerThread"]

_T = TypeVar("_T")
#: How long starting or stopping may take before the thread is given up on.
THREAD_SECONDS: Final = 10.0


class ServerThread:
    """An ``AssistantServer`` served from a daemon thread (arguments as ``AssistantServer``'s)."""

    def __init__(self, **options: Any) -> None:
        self._server = AssistantServer(**options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._started: concurrent.futures.Future[None] = concurrent.futures.Future()

    def start(self) -> ServerThread:
        """Start the thread and wait until the server listens.

        Raises:
            InvalidStateError: it was started before.
            OSError: the server could not listen.
        """
        if self._thread is not None:
            raise InvalidStateError("the ServerThread was started already")
        self._thread = threading.Thread(target=self._run, name="AssistantServer", daemon=True)
        self._thread.start()
        self._started.result(THREAD_SECONDS)
        return self

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            await self._server.start()
        except BaseException as error:
            self._started.set_exception(error)
            return
        self._started.set_result(None)
        try:
            await self._stop.wait()
        finally:
            await self._server.aclose()

    def stop(self) -> None:
        """Stop the server and wait for its thread; idempotent."""
        loop, stop, thread = self._loop, self._stop, self._thread
        if loop is None or stop is None or thread is None or not thread.is_alive():
            return
        loop.call_soon_threadsafe(stop.set)
        thread.join(THREAD_SECONDS)

    def _call(self, function: Callable[..., _T], *args: Any) -> _T:
        if self._loop is None or self._thread is None or not self._thread.is_alive():
            raise InvalidStateError("the ServerThread is not running")

        async def call() -> _T:
            return function(*args)

        future = asyncio.run_coroutine_threadsafe(call(), self._loop)
        return future.result(THREAD_SECONDS)

    @property
    def base_url(self) -> str:
        """The server's base URL (``http://127.0.0.1:<port>/v1``; Azure's project endpoint)."""
        return self._server.base_url

    @property
    def azure(self) -> bool:
        """Whether the server speaks the Azure AI Foundry Agents flavour."""
        return self._server.azure

    @property
    def azure_endpoint(self) -> str:
        """The server's project endpoint (``AssistantServer(azure=True)`` only)."""
        return self._server.azure_endpoint

    @property
    def api_key(self) -> str | None:
        """The key the server asks for (``None``: any)."""
        return self._server.api_key

    @property
    def requests(self) -> list[Received]:
        """The requests received so far (a copy)."""
        return self._call(list, self._server.requests)

    def set_script(self, script: Sequence[Any] | None) -> None:
        """``AssistantServer.set_script``, in the server's thread."""
        self._call(self._server.set_script, script)

    def add_turns(self, *turns: Sequence[Any]) -> None:
        """``AssistantServer.add_turns``, in the server's thread."""
        self._call(self._server.add_turns, *turns)

    def inject(self, fault: Fault) -> None:
        """``AssistantServer.inject``, in the server's thread."""
        self._call(self._server.inject, fault)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
