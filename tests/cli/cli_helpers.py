"""Helpers of the command line's tests: a server's arguments, the one error line."""

from __future__ import annotations

import os
import socket

from assistant_stream import AssistantClient
from assistant_stream.testing import AssistantServer

#: What the ``served`` fixture's assistant answers.
ANSWER = "Hello from the test server. It has a few words to stream."


async def assistant(server: AssistantServer) -> str:
    """A new assistant on ``server``; its id."""
    async with AssistantClient(api_key="sk-test", base_url=server.base_url) as client:
        return (await client.assistants.create(model="gpt-4o", name="test")).id


async def run_argv(server: AssistantServer, *extra: str, command: str = "run") -> list[str]:
    """The arguments of ``run`` against ``server`` (a new assistant), then ``extra``."""
    return [
        command,
        "--base-url",
        server.base_url,
        "--api-key",
        "sk-test",
        "--assistant",
        await assistant(server),
        *extra,
        "Hi",
    ]


def error_line(err: str) -> str:
    """The one line an error prints; fails if there are more."""
    lines = err.strip().splitlines()
    assert 1 == len(lines), err
    assert lines[0].startswith("assistant-stream: error: ")
    return lines[0]


def closed_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def subprocess_env() -> dict[str, str]:
    """The environment of a command line run in a process of its own."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "TERM": "dumb"}
