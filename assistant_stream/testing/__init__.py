"""An Assistants-protocol server to test against: ``AssistantServer``, faults, and scripts.

``AssistantServer`` serves the Assistants v2 endpoints (assistants, threads, messages, runs,
create-and-run, tool outputs, run steps) on 127.0.0.1, in process, from memory, so a bot
can be tested offline and deterministically, with this package's client or with the
official openai-python client::

    async with AssistantServer(script=[[{"text": "Hello!"}]]) as server:
        async with AssistantClient(api_key="test", base_url=server.base_url) as client:
            ...

What the assistant does is a script: a list of turns, each a list of parts, each part a
dict with one key (``PART_KINDS``): ``{"text": ..., "citations": [...]}``,
``{"function_call": {"name": ..., "arguments": {...}}}`` (several in one turn are parallel
calls; the turn ends at ``requires_action`` and the run goes on with the next turn once the
outputs are submitted), ``{"code_interpreter": {"input": ..., "logs": ..., "image": true}}``,
``{"file_search": {"results": [...]}}``, ``{"refusal": ...}``, ``{"fail": {"code": ...,
"message": ...}}``, ``{"incomplete": "max_completion_tokens"}`` and ``{"replay":
"path.sse"}`` (a recorded body, as the whole turn). With no script, or when it runs out,
the assistant echoes the last user message (after tool outputs: the outputs).

``AssistantServer(azure=True)`` serves the Azure AI Foundry Agents flavour instead, at
``server.azure_endpoint`` (a project endpoint; every request with ``?api-version=``, a
bearer token, no ``OpenAI-Beta``), for ``AssistantClient.for_azure`` or azure-ai-agents'
own ``AgentsClient`` (over HTTPS with ``ssl=``). Its scripts take Azure's parts too
(``AZURE_PART_KINDS``): ``{"mcp_call": {"server_label": ..., "name": ..., "arguments":
{...}, "output": ...}}`` (the turn ends at a ``submit_tool_approval``), ``{"bing_grounding":
{"requesturl": ...}}`` (cited with ``{"type": "url_citation", "marker": ..., "url": ...,
"title": ...}``), ``{"azure_function": {...}}`` and ``{"connected_agent": {...}}``.

``Fault`` makes the server misbehave on purpose (statuses, latency, keep-alives, cut
bodies, ``error`` events, chunking, CRLF, a BOM); its docstring has the table.

The pytest plugin (``assistant_stream.testing.pytest_plugin``, loaded by pytest through
its entry point) gives the fixtures ``assistant_server`` (a ``ServerThread``: the server
in a thread of its own) and ``assistant_client``.

This package imports aiohttp's server only when ``AssistantServer`` is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from assistant_stream.errors import ScriptError

if TYPE_CHECKING:
    from ._azure_parts import AZURE_PART_KINDS
    from ._faults import Fault
    from ._script import PART_KINDS
    from ._server import AssistantServer, Received
    from ._threaded import ServerThread

__all__ = [
    "AZURE_PART_KINDS",
    "PART_KINDS",
    "AssistantServer",
    "Fault",
    "Received",
    "ScriptError",
    "ServerThread",
]

_LAZY = {
    "AZURE_PART_KINDS": "._azure_parts",
    "AssistantServer": "._server",
    "Received": "._server",
    "Fault": "._faults",
    "PART_KINDS": "._script",
    "ServerThread": "._threaded",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
