"""Tests of ``assistant_stream.testing.AssistantServer``: its state, its refusals, its runs.

Each test talks HTTP to a real server on 127.0.0.1, with this package's client or raw
aiohttp where the client would hide what the server said.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from builders import Recorder

from assistant_stream import (
    AssistantClient,
    AuthenticationError,
    BadRequestError,
    InvalidStateError,
)
from assistant_stream.testing import AssistantServer, Fault

KEY = "sk-server-secret-0123456789"
HEADERS = {"Authorization": f"Bearer {KEY}", "OpenAI-Beta": "assistants=v2"}


@pytest.fixture
async def served() -> AsyncIterator[AssistantServer]:
    """A server with a key, closed after the test."""
    async with AssistantServer(api_key=KEY) as server:
        yield server


@pytest.fixture
async def client(served: AssistantServer) -> AsyncIterator[AssistantClient]:
    """A client of ``served``, with no retries (a refusal is seen once)."""
    async with AssistantClient(api_key=KEY, base_url=served.base_url, max_retries=0) as client:
        yield client


async def raw(
    server: AssistantServer, method: str, path: str, body: Any = None, **headers: str
) -> tuple[int, Any]:
    """The status and JSON answer of one request sent with aiohttp, headers as given."""
    sent = {**HEADERS, **headers}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, server.base_url + path, json=body, headers=sent) as response,
    ):
        return response.status, await response.json()


async def ready(client: AssistantClient, text: str = "hello") -> tuple[str, str]:
    """An assistant, and a thread with one user message: their ids."""
    assistant = await client.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = await client.threads.create(messages=[{"role": "user", "content": text}])
    return assistant.id, thread.id


async def run_text(client: AssistantClient, thread_id: str, assistant_id: str) -> str:
    """Stream a run and return the text of its message."""
    async with client.threads.runs.stream(thread_id, assistant_id=assistant_id) as stream:
        messages = await stream.get_final_messages()
    return "".join(block.text.value for m in messages for block in m.content)  # type: ignore[union-attr]


# -- lifecycle -----------------------------------------------------------------------------


async def test_the_base_url_is_loopback_v1_on_a_free_port() -> None:
    """Two servers get two ports; the URL is an OpenAI-style base URL."""
    async with AssistantServer() as one, AssistantServer() as two:
        assert one.base_url.startswith("http://127.0.0.1:")
        assert one.base_url.endswith("/v1")
        assert one.port != two.port


async def test_a_server_not_running_has_no_url_and_closing_twice_is_fine() -> None:
    """``base_url`` needs a running server; ``aclose`` is idempotent."""
    server = AssistantServer()
    with pytest.raises(InvalidStateError, match="not running"):
        server.base_url  # noqa: B018
    await server.start()
    with pytest.raises(InvalidStateError, match="running already"):
        await server.start()
    await server.aclose()
    await server.aclose()
    assert "<AssistantServer not started>" == repr(server)


# -- refusals as the service words them ----------------------------------------------------


async def test_a_missing_key_and_a_wrong_key_are_401(served: AssistantServer) -> None:
    """The bodies are the service's; a wrong key is quoted masked, never whole."""
    status, body = await raw(served, "POST", "/threads", {}, Authorization="")
    assert 401 == status
    assert body["error"]["message"].startswith("You didn't provide an API key.")
    status, body = await raw(
        served, "POST", "/threads", {}, Authorization="Bearer sk-wrong-abcdefghijkl"
    )
    assert (401, "invalid_api_key") == (status, body["error"]["code"])
    assert "sk-wrong-abcdefghijkl" not in body["error"]["message"]
    assert "Incorrect API key provided: sk-**************ijkl." in body["error"]["message"]


async def test_the_client_sees_the_401_as_authentication_error(served: AssistantServer) -> None:
    """This package's client maps the service's 401 to ``AuthenticationError``."""
    async with AssistantClient(api_key="sk-nope-1234567", base_url=served.base_url) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.threads.create()
    assert "sk-nope-1234567" not in str(caught.value)


async def test_the_beta_header_is_required(served: AssistantServer) -> None:
    """Without ``OpenAI-Beta: assistants=v2`` the service refuses, and so does the server."""
    status, body = await raw(served, "POST", "/threads", {}, **{"OpenAI-Beta": ""})
    assert 400 == status
    assert "OpenAI-Beta" in body["error"]["message"]


async def test_unknown_ids_and_urls_are_404(served: AssistantServer) -> None:
    """Each kind of object names itself in its 404; an unknown path is ``Invalid URL``."""
    assert (404, "No thread found with id 'thread_x'.") == _said(
        await raw(served, "GET", "/threads/thread_x")
    )
    assert (404, "No assistant found with id 'asst_x'.") == _said(
        await raw(served, "GET", "/assistants/asst_x")
    )
    assert (404, "Invalid URL (GET /v1/nothing)") == _said(await raw(served, "GET", "/nothing"))


def _said(answer: tuple[int, Any]) -> tuple[int, str]:
    status, body = answer
    return status, body["error"]["message"]


@pytest.mark.parametrize(
    ("body", "param", "message"),
    [
        ({}, "model", "Missing required parameter: 'model'."),
        ({"model": 4}, "model", "Invalid type for 'model': expected a string, but got an integer"),
        ({"model": "m", "temperature": "hot"}, "temperature", "expected a decimal"),
        ({"model": "m", "colour": "red"}, "colour", "Unrecognized request argument supplied"),
    ],
)
async def test_a_bad_body_is_400_naming_the_field(
    served: AssistantServer, body: Any, param: str, message: str
) -> None:
    """The first field that is missing, mistyped or unknown is named, and nothing is made."""
    status, answer = await raw(served, "POST", "/assistants", body)
    assert (400, param) == (status, answer["error"]["param"])
    assert message in answer["error"]["message"]
    assert [] == (await raw(served, "GET", "/assistants"))[1]["data"]


async def test_a_run_needs_something_to_answer(client: AssistantClient) -> None:
    """An empty thread and an assistant without instructions: the service's E14 refusal."""
    assistant = await client.assistants.create(model="gpt-4o")
    thread = await client.threads.create()
    with pytest.raises(BadRequestError, match="requires a Thread with a user message"):
        async with client.threads.runs.stream(thread.id, assistant_id=assistant.id) as stream:
            await stream.until_done()


async def test_one_active_run_per_thread(served: AssistantServer, client: AssistantClient) -> None:
    """A second run, or a new message, while a run waits at requires_action is a 400."""
    served.set_script([[{"function_call": {"name": "f", "arguments": {}}}]])
    assistant_id, thread_id = await ready(client)
    async with client.threads.runs.stream(thread_id, assistant_id=assistant_id) as stream:
        await stream.until_done()
        run = stream.current_run
        assert run is not None
        with pytest.raises(BadRequestError, match=f"already has an active run {run.id}"):
            async with client.threads.runs.stream(thread_id, assistant_id=assistant_id) as again:
                await again.until_done()
        with pytest.raises(BadRequestError, match="Can't add messages"):
            await client.threads.messages.create(thread_id, content="more")


async def test_outputs_only_for_a_waiting_run_and_for_its_calls(
    served: AssistantServer, client: AssistantClient
) -> None:
    """Wrong ids are refused and the run still waits; a completed run takes no outputs."""
    served.set_script([[{"function_call": {"name": "f", "arguments": {}}}], [{"text": "Thanks."}]])
    assistant_id, thread_id = await ready(client)
    async with client.threads.runs.stream(thread_id, assistant_id=assistant_id) as stream:
        await stream.until_done()
        with pytest.raises(BadRequestError, match="Expected tool outputs for call_ids"):
            await stream.submit_tool_outputs({"call_wrong": "x"})
        [call] = stream.required_tool_calls
        await stream.submit_tool_outputs({call.id: "ok"})
        await stream.until_done()
        run = stream.current_run
    assert run is not None
    assert "completed" == run.status
    status, body = await raw(
        served, "POST", f"/threads/{thread_id}/runs/{run.id}/submit_tool_outputs",
        {"tool_outputs": [{"tool_call_id": call.id, "output": "again"}]},
    )  # fmt: skip
    assert (400, 'Runs in status "completed" do not accept tool outputs.') == (
        status,
        body["error"]["message"],
    )


async def test_cancelling_a_completed_run_is_the_services_e09(
    client: AssistantClient,
) -> None:
    """``Cannot cancel run with status 'completed'.``, as recorded from the service."""
    assistant_id, thread_id = await ready(client)
    async with client.threads.runs.stream(thread_id, assistant_id=assistant_id) as stream:
        await stream.until_done()
        run = stream.current_run
    assert run is not None
    with pytest.raises(BadRequestError, match=r"Cannot cancel run with status 'completed'\."):
        await client.threads.runs.cancel(thread_id, run.id)


# -- runs ----------------------------------------------------------------------------------


async def test_with_no_script_the_assistant_echoes(client: AssistantClient) -> None:
    """The last user message comes back, and the thread holds both messages."""
    assistant_id, thread_id = await ready(client, "Is anyone there?")
    assert "Is anyone there?" == await run_text(client, thread_id, assistant_id)
    listed = await client.threads.messages.list(thread_id, order="asc")
    assert ["user", "assistant"] == [message.role for message in listed.data]


async def test_a_script_plays_in_order_then_echoes(
    served: AssistantServer, client: AssistantClient
) -> None:
    """Each run takes the next turn; when the script runs out, the assistant echoes."""
    served.set_script([[{"text": "One."}]])
    served.add_turns([{"text": "Two."}])
    assistant_id, thread_id = await ready(client, "ping")
    texts = [await run_text(client, thread_id, assistant_id) for _ in range(2)]
    await client.threads.messages.create(thread_id, content="pong")
    texts.append(await run_text(client, thread_id, assistant_id))
    assert ["One.", "Two.", "pong"] == texts


async def test_the_same_seed_gives_the_same_ids_and_deltas() -> None:
    """Two servers with one seed and one script stream the same events."""
    script = [[{"text": "The same words, cut the same way, every time."}]]
    bodies = []
    for _ in range(2):
        async with (
            AssistantServer(script=script, seed=3) as server,
            AssistantClient(api_key="k", base_url=server.base_url) as client,
        ):
            assistant_id, thread_id = await ready(client)
            recorder = Recorder()
            async with client.threads.runs.stream(
                thread_id, assistant_id=assistant_id, handler=recorder
            ) as stream:
                await stream.until_done()
            bodies.append([(name, _no_times(args)) for name, args in recorder.calls])
    assert bodies[0] == bodies[1]


def _no_times(args: tuple[Any, ...]) -> str:
    """The arguments' text with the clock's fields removed (ids and values stay)."""
    import re

    return re.sub(r"(\w+_at|expires_at)=\d+", r"\1=T", repr(args))


async def test_a_run_created_without_streaming_progresses_in_the_background(
    served: AssistantServer, client: AssistantClient
) -> None:
    """A poller sees ``queued``, then ``in_progress``, then ``completed``."""
    assistant_id, thread_id = await ready(client)
    seen: list[str] = []
    status, run = await raw(
        served, "POST", f"/threads/{thread_id}/runs", {"assistant_id": assistant_id}
    )
    assert 200 == status
    while not seen or seen[-1] != "completed":
        current = await client.threads.runs.retrieve(thread_id, run["id"])
        if not seen or seen[-1] != current.status:
            seen.append(current.status)
        await asyncio.sleep(0.01)
    assert ["queued", "in_progress", "completed"] == seen


async def test_cancelling_a_streaming_run_ends_its_stream(
    served: AssistantServer, client: AssistantClient
) -> None:
    """The stream gets ``thread.run.cancelled`` before its next event, and ends."""
    served.set_script([[{"text": " ".join(["word"] * 50)}]])
    served.inject(Fault(event_delay=0.005, times=1))
    assistant_id, thread_id = await ready(client)
    recorder = Recorder()
    async with client.threads.runs.stream(
        thread_id, assistant_id=assistant_id, handler=recorder
    ) as stream:
        async for event in stream:
            if event.event == "thread.message.delta":
                run = stream.current_run
                assert run is not None
                cancelling = await client.threads.runs.cancel(thread_id, run.id)
                assert "cancelling" == cancelling.status
                break
        await stream.until_done()
        final = await stream.get_final_run()
    assert final.run is not None
    assert ("cancelled", True) == (final.run.status, final.ended)
    assert "on_run_cancelled" in recorder.names()
    assert 1 <= recorder.names().count("on_text_delta") < 50  # stopped, not played out


@pytest.mark.parametrize(
    ("turn", "callbacks"),
    [
        (
            [{"code_interpreter": {"input": "print(2 ** 10)", "logs": "1024", "image": True}}],
            ["on_tool_call_created", "on_tool_call_delta", "on_tool_call_done"],
        ),
        (
            [{"file_search": {"results": [{"file_name": "a.txt", "score": 0.9}]}}],
            ["on_tool_call_done"],
        ),
        ([{"refusal": "I can't help with that."}], ["on_refusal_delta", "on_message_done"]),
        ([{"fail": {"code": "rate_limit_exceeded", "message": "Slow down."}}], ["on_run_failed"]),
        (
            [{"text": "Cut short"}, {"incomplete": "max_completion_tokens"}],
            ["on_text_done", "on_message_done", "on_run_incomplete"],
        ),
        (
            [{"text": "See [1].", "citations": [{"marker": "[1]", "file_id": "file-1"}]}],
            ["on_annotation", "on_text_done"],
        ),
    ],
)
async def test_each_part_reaches_its_callbacks(
    served: AssistantServer, client: AssistantClient, turn: Any, callbacks: list[str]
) -> None:
    """Every kind of part streams events this package's handler understands."""
    served.set_script([turn])
    assistant_id, thread_id = await ready(client)
    recorder = Recorder()
    async with client.threads.runs.stream(
        thread_id, assistant_id=assistant_id, handler=recorder
    ) as stream:
        await stream.until_done()
    names = recorder.names()
    assert [name for name in callbacks if name in names] == callbacks
    assert "on_unknown_event" not in names


async def test_after_tool_outputs_with_no_turn_left_the_outputs_are_echoed(
    served: AssistantServer, client: AssistantClient
) -> None:
    """A script that ends at a function call goes on by saying the outputs back."""
    served.set_script([[{"function_call": {"name": "f", "arguments": {}}}]])
    assistant_id, thread_id = await ready(client)
    async with client.threads.runs.stream(thread_id, assistant_id=assistant_id) as stream:
        await stream.until_done()
        await stream.submit_tool_outputs({call.id: "42" for call in stream.required_tool_calls})
        [message] = await stream.get_final_messages()
    assert "42" == message.content[0].text.value  # type: ignore[union-attr]


async def test_a_client_that_leaves_does_not_stop_the_run(
    served: AssistantServer, client: AssistantClient
) -> None:
    """Closing the stream after one delta: the server plays the run to its end anyway."""
    served.set_script([[{"text": "Many words that nobody is left to read, " * 20}]])
    served.inject(Fault(event_delay=0.002, times=1))
    assistant_id, thread_id = await ready(client)
    async with client.threads.runs.stream(thread_id, assistant_id=assistant_id) as stream:
        async for event in stream:
            if event.event == "thread.message.delta":
                break
        run = stream.current_run
    assert run is not None
    for _ in range(200):
        status = (await client.threads.runs.retrieve(thread_id, run.id)).status
        if status == "completed":
            break
        await asyncio.sleep(0.01)
    assert "completed" == status
    listed = await client.threads.messages.list(thread_id, run_id=run.id)
    assert "Many words" in listed.data[0].content[0].text.value  # type: ignore[union-attr]


async def test_run_answers_tell_pollers_when_to_look_again(
    served: AssistantServer, client: AssistantClient
) -> None:
    """A run's JSON answer carries ``openai-poll-after-ms``, as the service's does."""
    assistant_id, thread_id = await ready(client)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{served.base_url}/threads/{thread_id}/runs",
            json={"assistant_id": assistant_id},
            headers=HEADERS,
        ) as response,
    ):
        assert "20" == response.headers["openai-poll-after-ms"]
        assert response.headers["x-request-id"].startswith("req_")


async def test_an_incomplete_turn_ends_the_message_and_the_run_incomplete(
    served: AssistantServer, client: AssistantClient
) -> None:
    """``{"incomplete": ...}`` after a text: ``max_tokens`` on the message, the run's reason."""
    served.set_script([[{"text": "Cut"}, {"incomplete": "max_completion_tokens"}]])
    assistant_id, thread_id = await ready(client)
    async with client.threads.runs.stream(thread_id, assistant_id=assistant_id) as stream:
        [message] = await stream.get_final_messages()
        final = await stream.get_final_run()
    assert final.run is not None
    assert ("incomplete", "max_tokens") == (message.status, message.incomplete_details.reason)  # type: ignore[union-attr]
    assert ("incomplete", "max_completion_tokens") == (
        final.run.status,
        final.run.incomplete_details.reason,  # type: ignore[union-attr]
    )


async def test_a_received_request_shows_no_key_in_its_repr(served: AssistantServer) -> None:
    """``server.requests`` keeps the headers as sent, but its ``repr`` masks the key."""
    await raw(served, "POST", "/threads", {})
    [received] = served.requests
    assert f"Bearer {KEY}" == received.headers["Authorization"]
    assert KEY not in repr(received)
    assert "'Authorization': '***'" in repr(received)
