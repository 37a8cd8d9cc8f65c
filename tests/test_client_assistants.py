"""Tests for assistant_stream._resources.assistants: ``client.assistants`` over real HTTP.

Against ``loopback.Loopback``: the method, path, query and JSON body of each call, the typed
model it returns, ``tools=`` taking a ``ToolRegistry`` as ``runs.stream`` does, Azure's
``api-version`` on every path (agents live at ``/assistants`` there too), and a 404 raising
``NotFoundError``. The escaping of ids is checked at the request level, over aioresponses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aioresponses import aioresponses
from lookups import check_azure, check_not_found
from loopback import Loopback, Reply
from mock_http import ANY_URL, client, sent

from assistant_stream import AssistantClient, ConfigurationError, ToolRegistry
from assistant_stream.types import (
    Assistant,
    AssistantDeleted,
    AssistantList,
    CodeInterpreterTool,
    FunctionDefinition,
    FunctionTool,
    ResponseFormatJSONObject,
    ToolResources,
    ToolResourcesCodeInterpreter,
    UnknownTool,
)

pytestmark = pytest.mark.usefixtures("clean_env")

ASSISTANT_JSON: dict[str, Any] = {
    "id": "asst_1",
    "object": "assistant",
    "created_at": 1700,
    "name": "Helper",
    "description": None,
    "model": "gpt-4o",
    "instructions": "Be brief.",
    "tools": [
        {"type": "code_interpreter"},
        {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}},
        {"type": "future_tool", "future_tool": {"connections": []}},
    ],
    "tool_resources": {"code_interpreter": {"file_ids": ["file_1"]}},
    "metadata": {"team": "bots"},
    "temperature": 1.0,
    "top_p": 1.0,
    "response_format": {"type": "json_object"},
    "reasoning_effort": None,
    "added_tomorrow": True,
}
#: ASSISTANT_JSON as a model (its unknown key ignored, its unknown tool kept raw).
ASSISTANT = Assistant(
    id="asst_1",
    created_at=1700,
    name="Helper",
    model="gpt-4o",
    instructions="Be brief.",
    tools=(
        CodeInterpreterTool(),
        FunctionTool(function=FunctionDefinition(name="lookup", parameters={"type": "object"})),
        UnknownTool(type="future_tool", raw=ASSISTANT_JSON["tools"][2]),
    ),
    tool_resources=ToolResources(
        code_interpreter=ToolResourcesCodeInterpreter(file_ids=("file_1",))
    ),
    metadata={"team": "bots"},
    temperature=1.0,
    top_p=1.0,
    response_format=ResponseFormatJSONObject(),
)
DELETED_JSON = {"id": "asst_1", "object": "assistant.deleted", "deleted": True}


def registry() -> ToolRegistry:
    """A registry of one function, ``lookup(key)``."""
    tools = ToolRegistry()

    @tools.function
    def lookup(key: str) -> str:
        """Look a key up."""
        return key

    return tools


def request_of(server: Loopback) -> tuple[str, str, list[tuple[str, str]], Any]:
    """The method, path, query and JSON body of the one request ``server`` received."""
    [received] = server.requests
    return received.method, received.path, received.query, received.json


# -- create ------------------------------------------------------------------------------


async def test_create_posts_only_the_fields_given(server: Loopback) -> None:
    """assistants.create posts model and the fields given (None is not sent): an Assistant."""
    server.script(Reply.json(ASSISTANT_JSON))
    async with server.client() as api:
        created = await api.assistants.create(model="gpt-4o", name="Helper")
    expected = ("POST", "/v1/assistants", [], {"model": "gpt-4o", "name": "Helper"})
    assert (expected, ASSISTANT) == (request_of(server), created)


async def test_create_posts_every_field(server: Loopback) -> None:
    """Every keyword of create is posted under its spec name; extra_body merges last."""
    fields = {
        "name": "Helper",
        "description": "Answers questions.",
        "instructions": "Be brief.",
        "tools": [{"type": "code_interpreter"}],
        "tool_resources": {"code_interpreter": {"file_ids": ["file_1"]}},
        "metadata": {"team": "bots"},
        "temperature": 0.5,
        "top_p": 0.9,
        "response_format": "auto",
        "reasoning_effort": "low",
    }
    server.script(Reply.json(ASSISTANT_JSON))
    async with server.client() as api:
        await api.assistants.create(model="o3-mini", **fields, extra_body={"top_p": None})
    expected = {"model": "o3-mini", **fields, "top_p": None}
    assert ("POST", "/v1/assistants", [], expected) == request_of(server)


async def test_create_sends_models_as_json_objects(server: Loopback) -> None:
    """Tool and response-format models are sent as their JSON objects."""
    server.script(Reply.json(ASSISTANT_JSON))
    tools = [CodeInterpreterTool(), FunctionTool(function=FunctionDefinition(name="f"))]
    async with server.client() as api:
        await api.assistants.create(
            model="gpt-4o", tools=tools, response_format=ResponseFormatJSONObject()
        )
    expected = {
        "model": "gpt-4o",
        "tools": [{"type": "code_interpreter"}, {"type": "function", "function": {"name": "f"}}],
        "response_format": {"type": "json_object"},
    }
    assert expected == request_of(server)[3]


@pytest.mark.parametrize("shape", ["registry", "mixed", "tuple"])
async def test_create_with_a_registry_sends_its_definitions(server: Loopback, shape: str) -> None:
    """tools= takes a ToolRegistry, alone or among definitions, as runs.stream does."""
    tools = registry()
    given: Any = {
        "registry": tools,
        "mixed": [{"type": "code_interpreter"}, tools],
        "tuple": ({"type": "code_interpreter"}, tools),
    }[shape]
    server.script(Reply.json(ASSISTANT_JSON))
    async with server.client() as api:
        await api.assistants.create(model="gpt-4o", tools=given)
    before = [] if shape == "registry" else [{"type": "code_interpreter"}]
    assert before + tools.definitions() == request_of(server)[3]["tools"]


async def test_create_with_an_empty_tools_list_sends_it(server: Loopback) -> None:
    """tools=[] is sent as an empty list (no tools), not left out."""
    server.script(Reply.json(ASSISTANT_JSON))
    async with server.client() as api:
        await api.assistants.create(model="gpt-4o", tools=[])
    assert {"model": "gpt-4o", "tools": []} == request_of(server)[3]


async def test_create_with_two_registries_sends_nothing(server: Loopback) -> None:
    """Two registries among tools= are a ConfigurationError, before anything is sent."""
    async with server.client() as api:
        with pytest.raises(ConfigurationError, match="one ToolRegistry"):
            await api.assistants.create(model="gpt-4o", tools=[registry(), registry()])
    assert [] == server.requests


async def test_create_refuses_an_unknown_keyword(server: Loopback) -> None:
    """An unknown keyword is a TypeError that names it, and nothing is sent."""
    async with server.client() as api:
        with pytest.raises(TypeError, match="create\\(\\) got an unexpected keyword argument"):
            await api.assistants.create(model="gpt-4o", modle="x")  # type: ignore[call-arg]
    assert [] == server.requests


# -- retrieve, list, delete --------------------------------------------------------------


async def test_retrieve_gets_the_assistant(server: Loopback) -> None:
    """assistants.retrieve GETs /assistants/{id}, with no body, and returns the Assistant."""
    server.script(Reply.json(ASSISTANT_JSON))
    async with server.client() as api:
        got = await api.assistants.retrieve("asst_1")
    assert (("GET", "/v1/assistants/asst_1", [], None), ASSISTANT) == (request_of(server), got)


async def test_list_sends_the_page_query_and_returns_a_page(server: Loopback) -> None:
    """assistants.list sends the page query (limit, order, after, before): an AssistantList."""
    page = {
        "object": "list",
        "data": [ASSISTANT_JSON],
        "first_id": "asst_1",
        "last_id": "asst_1",
        "has_more": False,
    }
    server.script(Reply.json(page))
    async with server.client() as api:
        listed = await api.assistants.list(limit=5, order="asc", after="asst_0", before="asst_9")
    query = [("limit", "5"), ("order", "asc"), ("after", "asst_0"), ("before", "asst_9")]
    expected = AssistantList(data=(ASSISTANT,), first_id="asst_1", last_id="asst_1", has_more=False)
    assert (("GET", "/v1/assistants", query, None), expected) == (request_of(server), listed)


async def test_list_without_arguments_sends_no_query(server: Loopback) -> None:
    """assistants.list() sends no query parameter, and an empty page is an empty AssistantList."""
    server.script(Reply.json({"object": "list", "data": []}))
    async with server.client() as api:
        listed = await api.assistants.list()
    assert (("GET", "/v1/assistants", [], None), AssistantList()) == (request_of(server), listed)


async def test_delete_sends_delete_and_returns_the_answer(server: Loopback) -> None:
    """assistants.delete sends DELETE /assistants/{id} and returns an AssistantDeleted."""
    server.script(Reply.json(DELETED_JSON))
    async with server.client() as api:
        deleted = await api.assistants.delete("asst_1")
    assert (
        ("DELETE", "/v1/assistants/asst_1", [], None),
        AssistantDeleted(id="asst_1", deleted=True),
    ) == (request_of(server), deleted)


# -- every call: Azure, 404, escaping ----------------------------------------------------

Call = Callable[[AssistantClient], Awaitable[Any]]

#: Each call, the method, path and query it sends, and a JSON answer it accepts.
CALLS: dict[str, tuple[Call, str, str, list[tuple[str, str]], dict[str, Any]]] = {
    "create": (
        lambda api: api.assistants.create(model="gpt-4o"),
        "POST",
        "/assistants",
        [],
        ASSISTANT_JSON,
    ),
    "retrieve": (
        lambda api: api.assistants.retrieve("asst_1"),
        "GET",
        "/assistants/asst_1",
        [],
        ASSISTANT_JSON,
    ),
    "list": (
        lambda api: api.assistants.list(limit=1),
        "GET",
        "/assistants",
        [("limit", "1")],
        {"data": []},
    ),
    "delete": (
        lambda api: api.assistants.delete("asst_1"),
        "DELETE",
        "/assistants/asst_1",
        [],
        DELETED_JSON,
    ),
}


@pytest.mark.parametrize("name", CALLS)
async def test_azure_sends_api_version_and_no_beta_header(server: Loopback, name: str) -> None:
    """On Azure the same paths carry ?api-version=... and no OpenAI-Beta header."""
    await check_azure(server, CALLS[name], "2025-05-15-preview")


@pytest.mark.parametrize("name", CALLS)
async def test_404_raises_not_found(server: Loopback, name: str) -> None:
    """A 404 answer raises NotFoundError with the service's message, and is not retried."""
    await check_not_found(server, CALLS[name], "No assistant found")


@pytest.mark.parametrize("name", ["retrieve", "delete"])
async def test_assistant_id_is_one_escaped_segment(http: aioresponses, name: str) -> None:
    """An assistant id with reserved characters is escaped in its one path segment."""
    http.get(ANY_URL, payload=ASSISTANT_JSON)
    http.delete(ANY_URL, payload=DELETED_JSON)
    async with client() as api:
        method = api.assistants.retrieve if name == "retrieve" else api.assistants.delete
        await method("a/b?c")
    [request] = sent(http)
    assert ("/v1/assistants/a%2Fb%3Fc", "") == (request.url.raw_path, request.url.query_string)
