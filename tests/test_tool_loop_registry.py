"""Tests for the tool loop with a ToolRegistry: a run's function calls answered by the stream.

Over loopback HTTP: ``tools=registry`` sends the registry's definitions and answers the
calls of every ``requires_action`` in the same stream (``answer_tools=`` answers without
sending them); failures become outputs and ``on_tool_error``; ``raise_errors`` and
``max_rounds`` end the stream; cancellation while functions run leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
import pytest
from builders import Recorder, run
from builders import body as sse_body
from loopback import Loopback, Reply
from shared_data import requires_recordings
from tool_bodies import RECORDED_PAIRS, Call, answered, asking, recorded

from assistant_stream import (
    AssistantStream,
    ConfigurationError,
    RequiredToolCall,
    StreamState,
    ToolCallError,
    ToolLoopError,
    ToolRegistry,
    replay,
)

SUBMIT_PATH = "/v1/threads/thread_1/runs/run_1/submit_tool_outputs"
CANCEL_PATH = "/v1/threads/thread_1/runs/run_1/cancel"


def weather_registry(**options: Any) -> ToolRegistry:
    """A registry with ``get_weather(city)`` and the recordings' ``get_current_weather()``."""
    registry = ToolRegistry(**options)

    @registry.function
    def get_weather(city: str) -> str:
        """The weather in a city.

        Args:
            city: the city's name.
        """
        return f"sunny in {city}"

    @registry.function
    async def get_current_weather() -> dict[str, Any]:
        """Gets the user's current weather."""
        return {"temperature": 18, "sky": "clear"}

    @registry.function
    def fetch_current_datetime_recordings() -> dict[str, Any]:
        """The Azure recording's function."""
        return {"temperature": 18, "sky": "clear"}

    return registry


class Watching(Recorder):
    """Records callbacks, and how many requests the server had seen at each tool output."""

    def __init__(self, server: Loopback) -> None:
        super().__init__()
        self.server = server
        self.seen_at_output: list[int] = []

    async def on_tool_output(self, call: RequiredToolCall, output: str) -> None:
        self.calls.append(("on_tool_output", (call, output)))
        self.seen_at_output.append(len(self.server.requests))


async def stream_with(
    server: Loopback, registry: ToolRegistry, *bodies: bytes, handler: Any = None, **options: Any
) -> AssistantStream:
    """Run a create-and-run stream over ``bodies`` (one reply each) to its end."""
    server.script(*(Reply.stream(one) for one in bodies))
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(
            assistant_id="asst_1", handler=handler, **{"tools": registry, **options}
        )
        async with stream:
            await stream.until_done()
    return stream


async def finals(data: bytes) -> Any:
    """The final run of a replay of ``data`` alone."""
    async with replay(data) as stream:
        return await stream.get_final_run()


def outputs_sent(server: Loopback) -> list[list[dict[str, str]]]:
    """The ``tool_outputs`` of every submit the server received."""
    return [
        r.json["tool_outputs"] for r in server.requests if r.path.endswith("/submit_tool_outputs")
    ]


async def test_a_registry_answers_in_the_same_stream(server: Loopback) -> None:
    """Definitions sent; the call answered, announced before its submit; on_end once."""
    handler = Watching(server)
    stream = await stream_with(server, weather_registry(), asking(), answered(), handler=handler)
    assert StreamState.FINISHED == stream.state
    sent_tools = server.requests[0].json["tools"]
    assert ["get_weather", "get_current_weather", "fetch_current_datetime_recordings"] == [
        t["function"]["name"] for t in sent_tools
    ]
    assert [[{"tool_call_id": "call_1", "output": "sunny in Paris"}]] == outputs_sent(server)
    assert {"stream": True} == {k: v for k, v in server.requests[1].json.items() if k == "stream"}
    assert [1] == handler.seen_at_output  # announced before the submit was sent
    names = handler.names()
    requires, output, done = (
        names.index(n) for n in ("on_run_requires_action", "on_tool_output", "on_done")
    )
    assert requires < done < output < len(names) - 1
    assert (2, 1) == (names.count("on_connect"), names.count("on_end"))
    assert "Sunny in Paris." == (await stream.get_final_messages())[0].content[0].text.value


@requires_recordings
@pytest.mark.parametrize(("first", "second"), RECORDED_PAIRS)
async def test_a_registry_answers_the_recorded_pairs(
    server: Loopback, first: str, second: str
) -> None:
    """Each recorded requires_action is answered with exactly its calls, in one request."""
    handler = Recorder()
    stream = await stream_with(
        server, weather_registry(), recorded(first), recorded(second), handler=handler
    )
    final = await stream.get_final_run()
    assert ("completed", 1) == (final.run.status, handler.names().count("on_end"))
    (outputs,) = outputs_sent(server)
    calls = [args[0] for args in handler.args("on_tool_output")]
    assert [{"tool_call_id": c.id, "output": o} for c, o in handler.args("on_tool_output")] == (
        outputs
    )
    asked = (await finals(recorded(first))).run.required_action.submit_tool_outputs.tool_calls
    assert [call.id for call in asked] == [c.id for c in calls]
    assert "error" not in outputs[0]["output"]
    assert all(orjson.loads(o["output"]) == {"temperature": 18, "sky": "clear"} for o in outputs)
    assert server.requests[1].json["stream"] is True


async def test_answer_tools_sends_no_definitions(server: Loopback) -> None:
    """``answer_tools=`` answers the calls of tools defined on the server, sending none."""
    server.script(Reply.stream(asking()), Reply.stream(answered()))
    async with (
        server.client() as client,
        client.threads.runs.stream(
            "thread_1", assistant_id="asst_1", answer_tools=weather_registry()
        ) as stream,
    ):
        await stream.until_done()
    assert "tools" not in server.requests[0].json
    assert [[{"tool_call_id": "call_1", "output": "sunny in Paris"}]] == outputs_sent(server)


async def test_definitions_and_a_registry_mix_in_one_list(server: Loopback) -> None:
    """``tools=[{"type": "code_interpreter"}, registry]`` sends both, in that order."""
    registry = weather_registry()
    server.script(Reply.stream(asking()), Reply.stream(answered()))
    async with (
        server.client() as client,
        client.threads.runs.stream(
            "thread_1", assistant_id="asst_1", tools=[{"type": "code_interpreter"}, registry]
        ) as stream,
    ):
        await stream.until_done()
    assert [{"type": "code_interpreter"}, *registry.definitions()] == server.requests[0].json[
        "tools"
    ]


async def test_two_registries_are_refused_before_sending(server: Loopback) -> None:
    """A stream has one registry: two (in tools, or tools and answer_tools) raise at once."""
    async with server.client() as client:
        with pytest.raises(ConfigurationError, match="one ToolRegistry"):
            client.threads.runs.stream(
                "thread_1", assistant_id="a", tools=[weather_registry(), weather_registry()]
            )
        with pytest.raises(ConfigurationError, match="one ToolRegistry"):
            client.threads.create_and_run_stream(
                assistant_id="a", tools=weather_registry(), answer_tools=weather_registry()
            )
    assert [] == server.requests


def failing_registry(**options: Any) -> ToolRegistry:
    """A registry whose functions fail in each way a call can."""
    registry = ToolRegistry(timeout=0.5, **options)  # room for the threads of a loaded machine

    @registry.function
    def explode(city: str) -> str:
        """Fails."""
        raise ValueError(f"no weather for {city}")

    @registry.function
    async def slow() -> str:
        """Times out."""
        await asyncio.sleep(5)
        return "late"

    @registry.function
    def add(a: int, b: int) -> int:
        """Adds."""
        return a + b

    return registry


FAILING_CALLS: Sequence[Call] = (
    ("c1", "explode", '{"city": "Paris"}'),
    ("c2", "slow", "{}"),
    ("c3", "nowhere", "{}"),
    ("c4", "add", "{not json"),
    ("c5", "add", '{"a": "one", "b": 2}'),
    ("c6", "add", '{"a": 1, "b": 2}'),
)


async def test_failures_become_outputs_and_on_tool_error(
    server: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    """Each failing call gets an error output naming its problem, a callback and a log record."""
    handler = Recorder()
    with caplog.at_level(logging.WARNING, logger="assistant_stream"):
        stream = await stream_with(
            server, failing_registry(), asking(FAILING_CALLS), answered(), handler=handler
        )
    assert StreamState.FINISHED == stream.state
    (outputs,) = outputs_sent(server)
    assert [f"c{n}" for n in range(1, 7)] == [o["tool_call_id"] for o in outputs]
    errors = [orjson.loads(o["output"]).get("error", "") for o in outputs[:5]]
    for error, part in zip(errors, ["ValueError", "within", "nowhere", "JSON", "'a'"], strict=True):
        assert part in error
    assert "3" == outputs[5]["output"]
    failed = handler.args("on_tool_error")
    assert ["c1", "c2", "c3", "c4", "c5"] == [call.id for call, _ in failed]
    assert isinstance(failed[0][1], ValueError)
    assert all(isinstance(error, ToolCallError) for _, error in failed[1:])
    assert 6 == len(handler.args("on_tool_output"))
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert all(call_id in logged for call_id in ("c1", "c2", "c3", "c4", "c5"))


@pytest.mark.parametrize(
    ("call", "raised"),
    [
        (("c1", "explode", '{"city": "Paris"}'), ValueError),
        (("c3", "nowhere", "{}"), ToolCallError),
    ],
)
async def test_raise_errors_ends_the_stream_with_the_exception(
    server: Loopback, call: Call, raised: type[Exception]
) -> None:
    """With ``raise_errors=True`` the stream fails with the error; nothing is submitted."""
    handler = Recorder()
    server.script(Reply.stream(asking([call])))
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(
            assistant_id="asst_1", handler=handler, tools=failing_registry(raise_errors=True)
        )
        with pytest.raises(raised):
            async with stream:
                await stream.until_done()
    assert StreamState.FAILED == stream.state
    assert ["on_exception", "on_end"] == handler.names()[-2:]
    assert ([], []) == (outputs_sent(server), handler.args("on_tool_error"))


async def test_max_rounds_cancels_the_run(server: Loopback) -> None:
    """A run asking beyond max_rounds is cancelled through the API; ToolLoopError says so."""
    handler = Recorder()
    asking_again = asking(first=False)
    server.script(
        Reply.stream(asking()),
        Reply.stream(asking_again),
        Reply.stream(asking_again),
        Reply.json({"id": "run_1", "object": "thread.run", "status": "cancelling"}),
    )
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(
            assistant_id="asst_1", handler=handler, tools=weather_registry(max_rounds=2)
        )
        with pytest.raises(ToolLoopError, match="after 2 rounds") as info:
            async with stream:
                await stream.until_done()
    assert (2, "run_1", True) == (info.value.rounds, info.value.run_id, info.value.cancelled)
    assert str(info.value).endswith("it was cancelled")
    assert info.value.partial is not None
    assert "thread.run.requires_action" == info.value.partial.final_run.event
    assert ("POST", CANCEL_PATH) == (server.requests[-1].method, server.requests[-1].path)
    assert 2 == len(outputs_sent(server))
    assert (3, 1) == (handler.names().count("on_connect"), handler.names().count("on_end"))


async def test_calls_run_concurrently_and_the_loop_stays_free(server: Loopback) -> None:
    """An async and a sync function of 0.3 s each: answered well under 0.6 s, loop ticking."""
    registry = ToolRegistry()

    @registry.function
    async def wait_async() -> str:
        """Sleeps on the loop."""
        await asyncio.sleep(0.3)
        return "async"

    @registry.function
    def wait_sync() -> str:
        """Sleeps in a thread."""
        time.sleep(0.3)
        return "sync"

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    class Timing(Recorder):
        started = ended = 0.0

        async def on_done(self) -> None:
            self.started = self.started or time.perf_counter()

        async def on_tool_output(self, call: RequiredToolCall, output: str) -> None:
            self.ended = time.perf_counter()

    handler = Timing()
    await asyncio.to_thread(lambda: None)  # the loop's executor starts its first thread now
    ticking = asyncio.create_task(ticker())
    try:
        calls = [("c1", "wait_async", "{}"), ("c2", "wait_sync", "{}")]
        await stream_with(server, registry, asking(calls), answered(), handler=handler)
    finally:
        ticking.cancel()
    elapsed = handler.ended - handler.started
    assert 0.29 < elapsed < 0.5, elapsed
    assert ticks >= 10
    assert [["async", "sync"]] == [[o["output"] for o in outs] for outs in outputs_sent(server)]


def ours() -> set[asyncio.Task[Any]]:
    """The running tasks, but for the loopback server's connection handlers."""
    return {
        task
        for task in asyncio.all_tasks()
        if not task.get_coro().__qualname__.startswith("RequestHandler")  # type: ignore[union-attr]
    }


async def test_cancelling_while_tools_run_leaves_nothing_behind(server: Loopback) -> None:
    """A task cancelled mid-call: the function is cancelled, no task is left, on_end once."""
    registry = ToolRegistry()
    entered, cancelled = asyncio.Event(), threading.Event()

    @registry.function
    async def forever() -> str:
        """Never answers."""
        entered.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    handler = Recorder()
    server.script(Reply.stream(asking([("c1", "forever", "{}")])))
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(
            assistant_id="asst_1", handler=handler, tools=registry
        )
        before = ours()

        async def consume() -> None:
            async with stream:
                await stream.until_done()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(entered.wait(), 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert before == ours()
    assert cancelled.is_set()
    assert (StreamState.CLOSED, 1) == (stream.state, handler.names().count("on_end"))
    assert [] == outputs_sent(server)


def readme_block(marker: str) -> dict[str, Any]:
    """Run the README's Python block that contains ``marker``; return its namespace."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [block.split("```")[0] for block in text.split("```python\n")[1:]]
    (code,) = [block for block in blocks if marker in block]
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # our own README
    return namespace


async def test_the_readme_tool_loop_does_what_it_says(server: Loopback) -> None:
    """The README's ten lines: definitions sent, the call answered, the run read to its end."""
    namespace = readme_block("async def ask(")
    server.script(Reply.stream(asking()), Reply.stream(answered()))
    async with server.client() as client:
        await namespace["ask"](client, "thread_1")
    assert ["get_weather"] == [t["function"]["name"] for t in server.requests[0].json["tools"]]
    assert [[{"tool_call_id": "call_1", "output": "18 degrees C and sunny in Paris"}]] == (
        outputs_sent(server)
    )


async def test_the_readme_answer_by_hand_does_what_it_says(server: Loopback) -> None:
    """The README's loop over paused streams answers each round, in one stream."""
    namespace = readme_block("async def answer_by_hand")
    server.script(
        Reply.stream(asking()), Reply.stream(asking(first=False)), Reply.stream(answered())
    )
    async with server.client() as client:
        await namespace["answer_by_hand"](client, "thread_1")
    expected = [{"tool_call_id": "call_1", "output": "no data for get_weather"}]
    assert [expected, expected] == outputs_sent(server)
    assert 3 == len(server.requests)


async def test_a_handler_that_submits_itself_is_not_answered_twice(server: Loopback) -> None:
    """A submit from on_run_requires_action wins: the registry runs nothing, one submit."""
    registry = ToolRegistry()
    ran: list[str] = []

    @registry.function
    def get_weather(city: str) -> str:
        """Never called here."""
        ran.append(city)
        return "from the registry"

    class Answering(Recorder):
        async def on_run_requires_action(self, run: object) -> None:
            await stream.submit_tool_outputs({"call_1": "from the handler"})

    server.script(Reply.stream(asking()), Reply.stream(answered()))
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(
            assistant_id="asst_1", handler=Answering(), tools=registry
        )
        async with stream:
            await stream.until_done()
    assert [] == ran
    assert [[{"tool_call_id": "call_1", "output": "from the handler"}]] == outputs_sent(server)


async def test_an_approval_is_left_to_the_caller(server: Loopback) -> None:
    """A registry without ``approve=`` leaves MCP approvals to the caller: the stream pauses."""
    approval = {
        "type": "submit_tool_approval",
        "submit_tool_approval": {
            "tool_calls": [{"id": "call_9", "type": "mcp", "name": "search", "arguments": "{}"}]
        },
    }
    paused = sse_body(
        ("thread.run.created", run("queued")),
        ("thread.run.requires_action", run("requires_action", required_action=approval)),
    )
    server.script(Reply.stream(paused))
    async with (
        server.client() as client,
        client.threads.create_and_run_stream(
            assistant_id="asst_1", tools=weather_registry()
        ) as stream,
    ):
        await stream.until_done()
        assert (StreamState.PAUSED, ["call_9"]) == (
            stream.state,
            [call.id for call in stream.required_tool_calls],
        )
    assert 1 == len(server.requests)


async def test_a_failed_cancel_is_logged_and_said(
    server: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    """When the cancel request fails, ToolLoopError says so and the failure is logged."""
    error = {"error": {"message": "no such run", "type": "invalid_request_error"}}
    server.script(Reply.stream(asking()), Reply.stream(asking(first=False)), Reply.json(error, 404))
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(
            assistant_id="asst_1", tools=weather_registry(max_rounds=1)
        )
        stream_error = None
        with caplog.at_level(logging.WARNING, logger="assistant_stream"):
            try:
                async with stream:
                    await stream.until_done()
            except ToolLoopError as exc:
                stream_error = exc
    assert stream_error is not None
    assert (1, False) == (stream_error.rounds, stream_error.cancelled)
    assert "cancelling it failed" in str(stream_error)
    assert any("could not cancel run run_1" in r.getMessage() for r in caplog.records)


async def test_a_submit_stream_answers_later_rounds(server: Loopback) -> None:
    """``submit_tool_outputs_stream(..., answer_tools=)`` picks a run up and answers it on."""
    server.script(Reply.stream(asking(first=False)), Reply.stream(answered()))
    async with (
        server.client() as client,
        client.threads.runs.submit_tool_outputs_stream(
            "thread_1",
            "run_1",
            tool_outputs=[{"tool_call_id": "call_0", "output": "first"}],
            answer_tools=weather_registry(),
        ) as stream,
    ):
        await stream.until_done()
    assert StreamState.FINISHED == stream.state
    assert [
        [{"tool_call_id": "call_0", "output": "first"}],
        [{"tool_call_id": "call_1", "output": "sunny in Paris"}],
    ] == outputs_sent(server)


async def test_aclose_while_functions_run_submits_nothing(server: Loopback) -> None:
    """Closed from another task while a function runs: no submit, on_end once, a quiet end."""
    registry = ToolRegistry()
    entered, release = asyncio.Event(), asyncio.Event()

    @registry.function
    async def slow() -> str:
        """Waits for the test."""
        entered.set()
        await release.wait()
        return "done"

    handler = Recorder()
    server.script(Reply.stream(asking([("c1", "slow", "{}")])), Reply.stream(answered()))
    async with server.client() as client:
        stream = client.threads.create_and_run_stream(
            assistant_id="asst_1", handler=handler, tools=registry
        )
        reading = asyncio.create_task(stream.until_done())
        await asyncio.wait_for(entered.wait(), 2)
        await stream.aclose()
        release.set()
        await asyncio.wait_for(reading, 2)
    assert (StreamState.CLOSED, 1) == (stream.state, handler.names().count("on_end"))
    assert [] == outputs_sent(server)
    assert "on_end" == handler.names()[-1]
