"""Tests for assistant_stream._resources: the bodies and paths of each call, and its answers.

Request-level, over aioresponses (``aioresponses_compat``): the exact JSON body of each stream
endpoint, unknown fields refused before sending, ids escaped in paths, and the typed models
plain calls return.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from aioresponses import aioresponses
from mock_http import (
    ANY_URL,
    BASE_URL,
    DONE,
    MESSAGE_JSON,
    RUN_JSON,
    SSE,
    client,
    create_thread,
    sent,
    start_run,
)

from assistant_stream import ConfigurationError
from assistant_stream.types import (
    CodeInterpreterTool,
    FunctionDefinition,
    FunctionTool,
    Message,
    MessageList,
    Run,
    Text,
    TextContentBlock,
    Thread,
)

#: MESSAGE_JSON as a model.
MESSAGE = Message(
    id="msg_1",
    thread_id="thread_1",
    role="user",
    content=(TextContentBlock(text=Text(value="hi")),),
)


pytestmark = pytest.mark.usefixtures("clean_env")

# -- bodies ----------------------------------------------------------------------------------


async def test_run_stream_body(http: aioresponses) -> None:
    """runs.stream posts its fields, assistant_id and stream: true; extra_body merges last."""
    fields = {
        "model": "gpt-4o",
        "instructions": "be brief",
        "additional_instructions": "and kind",
        "additional_messages": [{"role": "user", "content": "hi"}],
        "metadata": {"k": "v"},
        "temperature": 0.5,
        "top_p": 0.9,
        "max_prompt_tokens": 100,
        "max_completion_tokens": 50,
        "truncation_strategy": {"type": "last_messages", "last_messages": 3},
        "tool_choice": "auto",
        "parallel_tool_calls": False,
        "response_format": {"type": "json_object"},
        "reasoning_effort": "low",
    }
    await start_run(http, client(), **fields, extra_body={"custom": [1], "temperature": 0.1})
    [request] = sent(http)
    expected = {"assistant_id": "asst_1", **fields, "stream": True, "custom": [1]}
    expected["temperature"] = 0.1
    assert ("POST", f"{BASE_URL}/threads/thread_1/runs", expected) == (
        request.method,
        str(request.url),
        request.json(),
    )


async def test_create_and_run_stream_body(http: aioresponses) -> None:
    """create_and_run_stream posts assistant_id, the thread, its fields and stream: true."""
    http.post(ANY_URL, body=DONE, content_type=SSE)
    thread = {"messages": [{"role": "user", "content": "hi"}]}
    async with client() as api, api.threads.create_and_run_stream(
        assistant_id="asst_1", thread=thread, tool_resources={"code_interpreter": {"file_ids": []}},
        model="gpt-4o", extra_body={"x": None},
    ) as run:  # fmt: skip
        await run.until_done()
    [request] = sent(http)
    expected = {
        "assistant_id": "asst_1",
        "thread": thread,
        "tool_resources": {"code_interpreter": {"file_ids": []}},
        "model": "gpt-4o",
        "stream": True,
        "x": None,
    }
    assert (f"{BASE_URL}/threads/runs", expected) == (str(request.url), request.json())


async def test_submit_tool_outputs_stream_body(http: aioresponses) -> None:
    """submit_tool_outputs_stream posts the outputs and stream: true to the run's path."""
    http.post(ANY_URL, body=DONE, content_type=SSE)
    outputs = ({"tool_call_id": "call_1", "output": "42"},)
    async with (
        client() as api,
        api.threads.runs.submit_tool_outputs_stream(
            "thread_1", "run_1", tool_outputs=outputs, extra_body={"tool_approvals": []}
        ) as run,
    ):
        await run.until_done()
    [request] = sent(http)
    expected = {"tool_outputs": list(outputs), "stream": True, "tool_approvals": []}
    assert (f"{BASE_URL}/threads/thread_1/runs/run_1/submit_tool_outputs", expected) == (
        str(request.url),
        request.json(),
    )


async def test_models_are_sent_as_json_objects(http: aioresponses) -> None:
    """Models from assistant_stream.types given as values are sent as their JSON objects."""
    function = FunctionDefinition(
        name="f", description="d", parameters={"type": "object"}, strict=True
    )
    await start_run(http, client(), tools=[CodeInterpreterTool(), FunctionTool(function=function)])
    [request] = sent(http)
    expected = [
        {"type": "code_interpreter"},
        {
            "type": "function",
            "function": {
                "name": "f",
                "description": "d",
                "parameters": {"type": "object"},
                "strict": True,
            },
        },
    ]
    assert expected == request.json()["tools"]


async def test_unset_model_fields_are_not_sent(http: aioresponses) -> None:
    """A model's fields left as None are left out, not sent as null; a dict's None stays."""
    tools = [FunctionTool(function=FunctionDefinition(name="f")), {"type": "x", "y": None}]
    await start_run(http, client(), tools=tools)
    [request] = sent(http)
    expected = [{"type": "function", "function": {"name": "f"}}, {"type": "x", "y": None}]
    assert expected == request.json()["tools"]


@pytest.mark.parametrize(
    ("call", "name", "hint"),
    [
        ("stream", "temprature", "did you mean 'temperature'?"),
        ("create_and_run_stream", "include", "extra_body="),
        ("submit_tool_outputs_stream", "model", "extra_body="),
    ],
)
async def test_unknown_field_is_a_type_error(
    http: aioresponses, call: str, name: str, hint: str
) -> None:
    """An unknown keyword is a TypeError naming it (and a close match), and nothing is sent."""
    async with client() as api:
        method: Any = {
            "stream": lambda **kw: api.threads.runs.stream("thread_1", assistant_id="a", **kw),
            "create_and_run_stream": lambda **kw: api.threads.create_and_run_stream(
                assistant_id="a", **kw
            ),
            "submit_tool_outputs_stream": lambda **kw: api.threads.runs.submit_tool_outputs_stream(
                "thread_1", "run_1", tool_outputs=[], **kw
            ),
        }[call]
        with pytest.raises(TypeError) as caught:
            method(**{name: 1})
    message = str(caught.value)
    assert (True, True, []) == (
        f"{call}() got an unexpected keyword argument {name!r}" in message,
        hint in message,
        sent(http),
    )


# -- paths --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("thread_id", "path"),
    [
        ("a?b", "/v1/threads/a%3Fb/runs/run_1"),
        ("a#b", "/v1/threads/a%23b/runs/run_1"),
        ("a b", "/v1/threads/a%20b/runs/run_1"),
        ("a%2Fb", "/v1/threads/a%252Fb/runs/run_1"),
    ],
)
async def test_ids_are_escaped(http: aioresponses, thread_id: str, path: str) -> None:
    """An id with reserved characters is escaped in its segment, and adds no query."""
    http.get(ANY_URL, payload=RUN_JSON)
    async with client() as api:
        await api.threads.runs.retrieve(thread_id, "run_1")
    [request] = sent(http)
    assert (path, "") == (request.url.raw_path, request.url.query_string)


@pytest.mark.parametrize(
    "thread_id",
    ["a/b", "../../admin", "..", ".", "a/../../b"],
    ids=["slash", "up2", "up", "dot", "mix"],
)
async def test_an_id_cannot_change_the_path(http: aioresponses, thread_id: str) -> None:
    """An id is one segment: escaped in place, or refused before sending; never a path."""
    http.get(ANY_URL, payload=RUN_JSON)
    async with client() as api:
        with contextlib.suppress(ConfigurationError):
            await api.threads.runs.retrieve(thread_id, "run_1")
    # /v1/threads/<one segment>/runs/run_1, the segment not a dot segment
    wrong = [
        str(r.url)
        for r in sent(http)
        if len(r.url.raw_parts) != 6 or r.url.raw_parts[3] in (".", "..")
    ]
    assert [] == wrong


@pytest.mark.parametrize("bad_id", ["", None, 7])
async def test_empty_or_non_str_id_refused(http: aioresponses, bad_id: Any) -> None:
    """An id that is not a non-empty str is a ConfigurationError, and nothing is sent."""
    async with client() as api:
        with pytest.raises(ConfigurationError, match="id"):
            await api.threads.runs.retrieve("thread_1", bad_id)
    assert [] == sent(http)


# -- typed answers ------------------------------------------------------------------------


async def test_create_thread(http: aioresponses) -> None:
    """threads.create posts the messages and metadata given and returns a Thread."""
    messages = [{"role": "user", "content": "hi"}]
    thread = await create_thread(http, client(), messages=messages, metadata={"k": "v"})
    [request] = sent(http)
    assert (
        Thread(id="thread_1", created_at=1700, metadata={}),
        {"messages": messages, "metadata": {"k": "v"}},
    ) == (thread, request.json())


async def test_create_thread_with_nothing_posts_an_empty_object(http: aioresponses) -> None:
    """threads.create() with no arguments posts {}."""
    await create_thread(http, client())
    assert {} == sent(http)[0].json()


async def test_create_message(http: aioresponses) -> None:
    """messages.create posts role, content and metadata, and returns the Message."""
    http.post(ANY_URL, payload=MESSAGE_JSON)
    async with client() as api:
        message = await api.threads.messages.create("thread_1", content="hi", metadata={"a": "b"})
    [request] = sent(http)
    assert (
        f"{BASE_URL}/threads/thread_1/messages",
        {"role": "user", "content": "hi", "metadata": {"a": "b"}},
        MESSAGE,
    ) == (str(request.url), request.json(), message)


async def test_create_message_with_parts_and_attachments(http: aioresponses) -> None:
    """Content parts and attachments are posted as lists, with the role given."""
    http.post(ANY_URL, payload=MESSAGE_JSON)
    parts = ({"type": "text", "text": "hi"},)
    attachments = ({"file_id": "file_1", "tools": [{"type": "file_search"}]},)
    async with client() as api:
        await api.threads.messages.create(
            "thread_1", content=parts, role="assistant", attachments=attachments
        )
    expected = {"role": "assistant", "content": list(parts), "attachments": list(attachments)}
    assert expected == sent(http)[0].json()


async def test_list_messages(http: aioresponses) -> None:
    """messages.list GETs the thread's messages and returns a MessageList."""
    page = {"object": "list", "data": [MESSAGE_JSON], "first_id": "msg_1", "has_more": True}
    http.get(ANY_URL, payload=page)
    async with client() as api:
        listed = await api.threads.messages.list("thread_1")
    [request] = sent(http)
    assert (
        ("GET", f"{BASE_URL}/threads/thread_1/messages", None),
        MessageList(data=(MESSAGE,), first_id="msg_1", has_more=True),
    ) == ((request.method, str(request.url), request.body), listed)


async def test_retrieve_and_cancel_run(http: aioresponses) -> None:
    """runs.retrieve GETs the run, runs.cancel POSTs {} to .../cancel; both return a Run."""
    http.get(ANY_URL, payload=RUN_JSON)
    http.post(ANY_URL, payload={**RUN_JSON, "status": "cancelling"})
    async with client() as api:
        got = await api.threads.runs.retrieve("thread_1", "run_1")
        cancelled = await api.threads.runs.cancel("thread_1", "run_1")
    requests = sent(http)
    assert (
        [Run(id="run_1", thread_id="thread_1", status="queued"), "cancelling"],
        [
            ("GET", f"{BASE_URL}/threads/thread_1/runs/run_1", None),
            ("POST", f"{BASE_URL}/threads/thread_1/runs/run_1/cancel", b"{}"),
        ],
    ) == (
        [got, cancelled.status],
        [(r.method, str(r.url), r.body) for r in requests],
    )
