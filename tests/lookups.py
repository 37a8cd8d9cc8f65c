"""Checks shared by the tests of the plain (non-streaming) calls: Azure paths and 404s.

Each call under test is a ``Call``: the coroutine function that makes it with a client, the
method, the path below ``/v1``, the query it sends and a JSON answer for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

import pytest
from loopback import API_KEY, FAST_RETRIES, Loopback, Reply

from assistant_stream import AssistantClient, NotFoundError

__all__ = ["Call", "check_azure", "check_not_found"]

Call: TypeAlias = tuple[
    Callable[[AssistantClient], Awaitable[Any]], str, str, list[tuple[str, str]], Any
]


async def check_azure(server: Loopback, call: Call, api_version: str) -> None:
    """On Azure the call's path carries ``?api-version=...`` and no ``OpenAI-Beta`` header."""
    make, method, path, query, answer = call
    server.script(Reply.json(answer))
    client = AssistantClient.for_azure(
        server.url, api_version=api_version, api_key=API_KEY, retry_policy=FAST_RETRIES
    )
    async with client:
        await make(client)
    [received] = server.requests
    assert (method, f"/v1{path}", [("api-version", api_version), *query], None) == (
        received.method,
        received.path,
        received.query,
        received.headers.get("openai-beta"),
    )


async def check_not_found(server: Loopback, call: Call, message: str) -> None:
    """A 404 answer raises ``NotFoundError`` with the service's message, and is not retried."""
    error = {"error": {"message": message, "type": "invalid_request_error"}}
    server.script(Reply.json(error, status=404))
    async with server.client() as client:
        with pytest.raises(NotFoundError) as caught:
            await call[0](client)
    assert (404, message, 1) == (
        caught.value.status_code,
        caught.value.message,
        len(server.requests),
    )
