"""Tests for assistant_stream._resources.steps and the lookups of threads, messages and runs.

Against ``loopback.Loopback``: ``threads.runs.steps.list`` and ``retrieve`` (``include``
sent as ``include[]``, as ``runs.stream`` sends it), ``threads.retrieve`` and ``delete``,
``threads.messages.retrieve`` and ``threads.runs.list``: the method, path and query of
each, the typed model it returns, Azure's ``api-version``, and a 404 raising
``NotFoundError``. The escaping of ids is checked at the request level, over aioresponses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import pytest
from aioresponses import aioresponses
from builders import RUN, THREAD, function_call, message, run, step, text
from lookups import check_azure, check_not_found
from loopback import Loopback, Reply
from mock_http import ANY_URL, client, sent

from assistant_stream import AssistantClient, decode_event
from assistant_stream.types import (
    Message,
    Run,
    RunList,
    RunStep,
    RunStepList,
    Thread,
    ThreadDeleted,
)

pytestmark = pytest.mark.usefixtures("clean_env")

#: The query value that asks for file search results' content.
CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
STEP_JSON = step("step_1", "completed", [function_call("call_1", "lookup", "{}", "42")])
THREAD_JSON = {"id": THREAD, "object": "thread", "created_at": 1700, "metadata": {}}
MESSAGE_JSON = message("msg_1", "completed", [text("Hi")])
RUN_JSON = run("completed")


def decoded(event: str, payload: dict[str, Any]) -> Any:
    """The model the event decoder makes of ``payload`` (what a plain call must return)."""
    return decode_event(event, orjson.dumps(payload)).data


def page(*items: dict[str, Any], has_more: bool = False) -> dict[str, Any]:
    """A list answer of ``items``."""
    ids = [item["id"] for item in items]
    return {
        "object": "list",
        "data": list(items),
        "first_id": ids[0] if ids else None,
        "last_id": ids[-1] if ids else None,
        "has_more": has_more,
    }


def request_of(server: Loopback) -> tuple[str, str, list[tuple[str, str]], Any]:
    """The method, path, query and JSON body of the one request ``server`` received."""
    [received] = server.requests
    return received.method, received.path, received.query, received.json


# -- steps -------------------------------------------------------------------------------


async def test_steps_list_sends_the_page_query_and_include(server: Loopback) -> None:
    """steps.list GETs the run's steps with the page query and include[], as a RunStepList."""
    second = step("step_2", "completed", None)
    server.script(Reply.json(page(STEP_JSON, second, has_more=True)))
    async with server.client() as api:
        listed = await api.threads.runs.steps.list(
            THREAD, RUN, limit=2, order="asc", after="step_0", before="step_9", include=[CONTENT]
        )
    query = [
        ("limit", "2"),
        ("order", "asc"),
        ("after", "step_0"),
        ("before", "step_9"),
        ("include[]", CONTENT),
    ]
    expected = RunStepList(
        data=(
            decoded("thread.run.step.completed", STEP_JSON),
            decoded("thread.run.step.completed", second),
        ),
        first_id="step_1",
        last_id="step_2",
        has_more=True,
    )
    assert (("GET", f"/v1/threads/{THREAD}/runs/{RUN}/steps", query, None), expected) == (
        request_of(server),
        listed,
    )


async def test_steps_list_without_arguments_sends_no_query(server: Loopback) -> None:
    """steps.list with ids only sends no query parameter (an empty include neither)."""
    server.script(Reply.json(page()))
    async with server.client() as api:
        listed = await api.threads.runs.steps.list(THREAD, RUN, include=[])
    assert (
        ("GET", f"/v1/threads/{THREAD}/runs/{RUN}/steps", [], None),
        RunStepList(has_more=False),
    ) == (
        request_of(server),
        listed,
    )


@pytest.mark.parametrize("include", [None, [CONTENT]], ids=["plain", "include"])
async def test_steps_retrieve_gets_one_step(server: Loopback, include: list[str] | None) -> None:
    """steps.retrieve GETs the step (include[] in the query when given) as a RunStep."""
    server.script(Reply.json(STEP_JSON))
    async with server.client() as api:
        got = await api.threads.runs.steps.retrieve(THREAD, RUN, "step_1", include=include)
    path = f"/v1/threads/{THREAD}/runs/{RUN}/steps/step_1"
    query = [("include[]", CONTENT)] if include else []
    assert RunStep is type(got)
    assert (("GET", path, query, None), decoded("thread.run.step.completed", STEP_JSON)) == (
        request_of(server),
        got,
    )


# -- threads, messages, runs -------------------------------------------------------------


async def test_threads_retrieve_gets_the_thread(server: Loopback) -> None:
    """threads.retrieve GETs /threads/{id} and returns the Thread."""
    server.script(Reply.json(THREAD_JSON))
    async with server.client() as api:
        got = await api.threads.retrieve(THREAD)
    assert (
        ("GET", f"/v1/threads/{THREAD}", [], None),
        Thread(id=THREAD, created_at=1700, metadata={}),
    ) == (request_of(server), got)


async def test_threads_delete_sends_delete(server: Loopback) -> None:
    """threads.delete sends DELETE /threads/{id} and returns a ThreadDeleted."""
    server.script(Reply.json({"id": THREAD, "object": "thread.deleted", "deleted": True}))
    async with server.client() as api:
        deleted = await api.threads.delete(THREAD)
    assert (
        ("DELETE", f"/v1/threads/{THREAD}", [], None),
        ThreadDeleted(id=THREAD, deleted=True),
    ) == (request_of(server), deleted)


async def test_messages_retrieve_gets_the_message(server: Loopback) -> None:
    """messages.retrieve GETs /threads/{id}/messages/{id} and returns the Message."""
    server.script(Reply.json(MESSAGE_JSON))
    async with server.client() as api:
        got = await api.threads.messages.retrieve(THREAD, "msg_1")
    assert Message is type(got)
    assert (
        ("GET", f"/v1/threads/{THREAD}/messages/msg_1", [], None),
        decoded("thread.message.completed", MESSAGE_JSON),
    ) == (request_of(server), got)


async def test_runs_list_sends_the_page_query(server: Loopback) -> None:
    """runs.list GETs the thread's runs with the page query and returns a RunList."""
    other = run("failed", "run_0")
    server.script(Reply.json(page(RUN_JSON, other)))
    async with server.client() as api:
        listed = await api.threads.runs.list(
            THREAD, limit=2, order="desc", after="run_9", before="run_a"
        )
    query = [("limit", "2"), ("order", "desc"), ("after", "run_9"), ("before", "run_a")]
    expected = RunList(
        data=(
            Run(id=RUN, thread_id=THREAD, status="completed"),
            decoded("thread.run.failed", other),
        ),
        first_id=RUN,
        last_id="run_0",
        has_more=False,
    )
    assert (("GET", f"/v1/threads/{THREAD}/runs", query, None), expected) == (
        request_of(server),
        listed,
    )


# -- every call: Azure, 404, escaping ----------------------------------------------------

Call = Callable[[AssistantClient], Awaitable[Any]]

#: Each call, the method, path and query it sends, and a JSON answer it accepts.
CALLS: dict[str, tuple[Call, str, str, list[tuple[str, str]], dict[str, Any]]] = {
    "steps.list": (
        lambda api: api.threads.runs.steps.list(THREAD, RUN, include=[CONTENT]),
        "GET",
        f"/threads/{THREAD}/runs/{RUN}/steps",
        [("include[]", CONTENT)],
        page(STEP_JSON),
    ),
    "steps.retrieve": (
        lambda api: api.threads.runs.steps.retrieve(THREAD, RUN, "step_1"),
        "GET",
        f"/threads/{THREAD}/runs/{RUN}/steps/step_1",
        [],
        STEP_JSON,
    ),
    "threads.retrieve": (
        lambda api: api.threads.retrieve(THREAD),
        "GET",
        f"/threads/{THREAD}",
        [],
        THREAD_JSON,
    ),
    "threads.delete": (
        lambda api: api.threads.delete(THREAD),
        "DELETE",
        f"/threads/{THREAD}",
        [],
        {"id": THREAD, "deleted": True},
    ),
    "messages.retrieve": (
        lambda api: api.threads.messages.retrieve(THREAD, "msg_1"),
        "GET",
        f"/threads/{THREAD}/messages/msg_1",
        [],
        MESSAGE_JSON,
    ),
    "runs.list": (
        lambda api: api.threads.runs.list(THREAD, limit=1),
        "GET",
        f"/threads/{THREAD}/runs",
        [("limit", "1")],
        page(RUN_JSON),
    ),
}


@pytest.mark.parametrize("name", CALLS)
async def test_azure_sends_api_version_and_no_beta_header(server: Loopback, name: str) -> None:
    """On Azure the same paths carry ?api-version=... and no OpenAI-Beta header."""
    await check_azure(server, CALLS[name], "v1")


@pytest.mark.parametrize("name", CALLS)
async def test_404_raises_not_found(server: Loopback, name: str) -> None:
    """A 404 answer raises NotFoundError with the service's message, and is not retried."""
    await check_not_found(server, CALLS[name], "No thread found")


async def test_ids_are_one_escaped_segment_each(http: aioresponses) -> None:
    """Each id of a step's path is escaped in its own segment, and adds no query."""
    http.get(ANY_URL, payload=STEP_JSON)
    async with client() as api:
        await api.threads.runs.steps.retrieve("t/1", "r?1", "s#1")
    [request] = sent(http)
    assert ("/v1/threads/t%2F1/runs/r%3F1/steps/s%231", "") == (
        request.url.raw_path,
        request.url.query_string,
    )
