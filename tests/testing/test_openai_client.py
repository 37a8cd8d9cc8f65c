"""Tests for assistant_stream.testing with the official openai-python client, unchanged.

``openai.AsyncOpenAI`` pointed at an ``AssistantServer`` creates assistants, threads and
messages; streams runs through its ``AsyncAssistantEventHandler`` (text, code interpreter,
file search with citations, function calls answered with ``submit_tool_outputs_stream``);
polls runs played in the background; pages lists; modifies, deletes and cancels; and meets
every refusal as its own typed exception. Skipped when openai is not installed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from assistant_stream.testing import AssistantServer, Fault

openai = pytest.importorskip("openai")

# openai marks the beta Assistants API deprecated (its assistants resource with the bare word
# "deprecated"), and the suite turns warnings into errors: only these two are let through.
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:The Assistants API is deprecated in favor of the Responses API:DeprecationWarning"
    ),
    pytest.mark.filterwarnings("ignore:deprecated$:DeprecationWarning"),
]

KEY = "sk-test-0123456789abcdef"
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather in a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    },
    {"type": "code_interpreter"},
]
WEATHER = {"function_call": {"name": "get_weather", "arguments": {"city": "Paris"}}}
SUNNY = "Sunny in Paris, 21 degrees."
#: Generous: a run played in the background spends 50 ms queued and 50 ms in progress, and
#: the server asks pollers to look every 20 ms; openai's own default (1 s between looks)
#: would need at least 2 s for the same three phases.
POLL_SECONDS = 1.5


@contextlib.asynccontextmanager
async def serving(
    script: list[list[dict[str, Any]]] | None = None, **options: Any
) -> AsyncIterator[tuple[AssistantServer, Any]]:
    """A server running ``script`` and an ``openai.AsyncOpenAI`` of it, closed after."""
    async with (
        AssistantServer(script=script, **options) as server,
        openai.AsyncOpenAI(
            base_url=server.base_url, api_key=KEY, max_retries=0, http_client=plain_http()
        ) as client,
    ):
        yield server, client


def plain_http(**options: Any) -> Any:
    """The HTTP client openai makes, not loading CA certificates (the server speaks plain HTTP).

    Loading them takes about 50 ms per client; the client closes it.
    """
    return openai.DefaultAsyncHttpxClient(verify=False, **options)


async def started(client: Any, *messages: str) -> tuple[Any, Any]:
    """An assistant with ``TOOLS``, and a thread holding ``messages`` (one by default)."""
    agent = await client.beta.assistants.create(model="gpt-4o", tools=TOOLS)
    thread = await client.beta.threads.create()
    for content in messages or ("What is the weather in Paris?",):
        await client.beta.threads.messages.create(thread.id, role="user", content=content)
    return agent, thread


class Recording(openai.AsyncAssistantEventHandler):
    """Records what openai's handler calls back, as ``(callback, value)``."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, Any]] = []

    def of(self, callback: str) -> list[Any]:
        """The values of every call of ``callback``, in order."""
        return [value for name, value in self.seen if name == callback]

    async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.seen.append(("on_text_delta", delta))

    async def on_text_done(self, text: Any) -> None:
        self.seen.append(("on_text_done", text))

    async def on_tool_call_done(self, tool_call: Any) -> None:
        self.seen.append(("on_tool_call_done", tool_call))

    async def on_end(self) -> None:
        self.seen.append(("on_end", None))

    async def on_exception(self, exception: Exception) -> None:
        self.seen.append(("on_exception", exception))


def distinct(values: list[str]) -> list[str]:
    """``values`` with each run of repeats counted once."""
    return [value for index, value in enumerate(values) if index == 0 or values[index - 1] != value]


# -- objects -------------------------------------------------------------------------------


async def test_an_assistant_a_thread_and_a_message_are_created() -> None:
    """The created objects come back typed, with what was asked for, and can be retrieved."""
    async with serving() as (_, client):
        agent = await client.beta.assistants.create(
            model="gpt-4o", name="Weather", instructions="Be brief.", tools=TOOLS
        )
        thread = await client.beta.threads.create(metadata={"user": "u1"})
        message = await client.beta.threads.messages.create(
            thread.id, role="user", content="Hello?"
        )
        assert ["function", "code_interpreter"] == [tool.type for tool in agent.tools]
        assert ("get_weather", "Weather", "Be brief.") == (
            agent.tools[0].function.name,
            agent.name,
            agent.instructions,
        )
        assert agent == await client.beta.assistants.retrieve(agent.id)
        assert ({"user": "u1"}, thread) == (
            thread.metadata,
            await client.beta.threads.retrieve(thread.id),
        )
        assert ("user", "Hello?", thread.id) == (
            message.role,
            message.content[0].text.value,
            message.thread_id,
        )
        assert message == await client.beta.threads.messages.retrieve(
            message.id, thread_id=thread.id
        )


async def test_objects_are_modified_and_deleted() -> None:
    """Assistants, threads, messages and runs take updates; deletions say so, then 404."""
    async with serving() as (_, client):
        agent, thread = await started(client)
        run = await client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=agent.id
        )
        beta = client.beta
        renamed = await beta.assistants.update(agent.id, name="Renamed", temperature=0.5)
        resources = {"code_interpreter": {"file_ids": ["file-abc"]}}
        thread = await beta.threads.update(thread.id, metadata={"k": "v"}, tool_resources=resources)
        first = (await beta.threads.messages.list(thread.id, order="asc")).data[0]
        tagged = await beta.threads.messages.update(
            first.id, thread_id=thread.id, metadata={"a": "1"}
        )
        run = await beta.threads.runs.update(run.id, thread_id=thread.id, metadata={"b": "2"})
        assert (("Renamed", 0.5), {"k": "v"}, ["file-abc"], {"a": "1"}, {"b": "2"}) == (
            (renamed.name, renamed.temperature),
            thread.metadata,
            thread.tool_resources.code_interpreter.file_ids,
            tagged.metadata,
            run.metadata,
        )
        deleted = await beta.threads.messages.delete(first.id, thread_id=thread.id)
        assert (first.id, "thread.message.deleted", True) == (
            deleted.id,
            deleted.object,
            deleted.deleted,
        )
        with pytest.raises(openai.NotFoundError):
            await beta.threads.messages.retrieve(first.id, thread_id=thread.id)
        assert (True, True) == (
            (await beta.threads.delete(thread.id)).deleted,
            (await beta.assistants.delete(agent.id)).deleted,
        )


# -- streams -------------------------------------------------------------------------------


async def test_a_run_streams_through_the_event_handler() -> None:
    """Text deltas arrive and join up; on_text_done and on_end once; the finals agree."""
    async with serving([[{"text": SUNNY}]]) as (_, client):
        agent, thread = await started(client)
        handler = Recording()
        async with client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=agent.id, event_handler=handler
        ) as stream:
            await stream.until_done()
            messages = await stream.get_final_messages()
            steps = await stream.get_final_run_steps()
            run = await stream.get_final_run()
        deltas = [delta.value for delta in handler.of("on_text_delta")]
        assert (True, SUNNY) == (len(deltas) > 1, "".join(deltas))
        assert [SUNNY] == [text.value for text in handler.of("on_text_done")]
        assert ([], [None]) == (handler.of("on_exception"), handler.of("on_end"))
        assert [(SUNNY, "assistant", run.id)] == [
            (m.content[0].text.value, m.role, m.run_id) for m in messages
        ]
        listed = await client.beta.threads.runs.steps.list(run.id, thread_id=thread.id)
        assert [step.id for step in listed.data] == [step.id for step in steps]
        assert ("completed", "message_creation") == (run.status, steps[0].type)


async def test_a_run_created_with_stream_true_yields_typed_events() -> None:
    """``create(stream=True)`` and ``create_and_run(stream=True)`` iterate typed events."""
    async with serving([[{"text": "One."}], [{"text": "Two."}]]) as (_, client):
        agent, thread = await started(client)
        created = await client.beta.threads.runs.create(
            thread.id, assistant_id=agent.id, stream=True
        )
        events = [event async for event in created]
        both = await client.beta.threads.create_and_run(
            assistant_id=agent.id,
            thread={"messages": [{"role": "user", "content": "Again?"}]},
            stream=True,
        )
        second = [event.event async for event in both]
        assert [
            "thread.run.created",
            "thread.run.queued",
            "thread.run.in_progress",
            "thread.run.step.created",
            "thread.run.step.in_progress",
            "thread.message.created",
            "thread.message.in_progress",
            "thread.message.delta",
            "thread.message.completed",
            "thread.run.step.completed",
            "thread.run.completed",
        ] == distinct([event.event for event in events])
        assert ("One.", ["thread.created", "thread.run.created"]) == (
            events[-3].data.content[0].text.value,
            second[:2],
        )


async def test_a_code_interpreter_turn_streams_without_errors() -> None:
    """The call's input and outputs reach on_tool_call_done, then the message streams."""
    script = [
        [
            {"code_interpreter": {"input": "print(6 * 7)", "logs": "42\n", "image": True}},
            {"text": "It is 42."},
        ]
    ]
    async with serving(script) as (_, client):
        agent, thread = await started(client)
        handler = Recording()
        async with client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=agent.id, event_handler=handler
        ) as stream:
            await stream.until_done()
            steps = await stream.get_final_run_steps()
        call = handler.of("on_tool_call_done")[0]
        outputs = call.code_interpreter.outputs
        assert ("code_interpreter", "print(6 * 7)") == (call.type, call.code_interpreter.input)
        assert (["logs", "image"], "42\n") == ([o.type for o in outputs], outputs[0].logs)
        assert outputs[1].image.file_id.startswith("file-")
        assert (["It is 42."], []) == (
            [text.value for text in handler.of("on_text_done")],
            handler.of("on_exception"),
        )
        assert ["tool_calls", "message_creation"] == [step.type for step in steps]


async def test_a_file_search_turn_streams_its_citation() -> None:
    """The citation arrives in a delta and in the final message; results in the step."""
    marker = "【4:0†foods.txt】"
    result = {"file_id": "file-foods", "file_name": "foods.txt", "score": 0.68}
    script = [
        [
            {"file_search": {"results": [result]}},
            {
                "text": f"Filip likes cake{marker}.",
                "citations": [{"marker": marker, "file_id": "file-foods"}],
            },
        ]
    ]
    async with serving(script) as (_, client):
        agent, thread = await started(client)
        handler = Recording()
        async with client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=agent.id, event_handler=handler
        ) as stream:
            await stream.until_done()
            (message,) = await stream.get_final_messages()
            run = await stream.get_final_run()
        streamed = [a for d in handler.of("on_text_delta") for a in d.annotations or []]
        (annotation,) = message.content[0].text.annotations
        expected = ("file_citation", marker, "file-foods", 16, 16 + len(marker))
        for cited in (streamed[0], annotation):
            assert expected == (
                cited.type,
                cited.text,
                cited.file_citation.file_id,
                cited.start_index,
                cited.end_index,
            )
        assert (1, []) == (len(streamed), handler.of("on_exception"))
        step = (await client.beta.threads.runs.steps.list(run.id, thread_id=thread.id)).data[-1]
        (found,) = step.step_details.tool_calls[0].file_search.results
        assert ("file-foods", "foods.txt", 0.68) == (found.file_id, found.file_name, found.score)


async def test_a_function_call_is_answered_with_submit_tool_outputs_stream() -> None:
    """The first stream stops at requires_action; the follow-up stream completes the run."""
    async with serving([[WEATHER], [{"text": SUNNY}]]) as (_, client):
        agent, thread = await started(client)
        asking = Recording()
        async with client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=agent.id, event_handler=asking
        ) as stream:
            await stream.until_done()
            waiting = await stream.get_final_run()
        (call,) = waiting.required_action.submit_tool_outputs.tool_calls
        done = asking.of("on_tool_call_done")[0]
        assert ("requires_action", "get_weather", '{"city":"Paris"}') == (
            waiting.status,
            call.function.name,
            call.function.arguments,
        )
        assert (call.id, call.function.arguments) == (done.id, done.function.arguments)
        answered = Recording()
        async with client.beta.threads.runs.submit_tool_outputs_stream(
            thread_id=thread.id,
            run_id=waiting.id,
            tool_outputs=[{"tool_call_id": call.id, "output": "sunny, 21"}],
            event_handler=answered,
        ) as stream:
            await stream.until_done()
            run = await stream.get_final_run()
        assert (waiting.id, "completed") == (run.id, run.status)
        assert SUNNY == "".join(delta.value for delta in answered.of("on_text_delta"))
        assert ([None], []) == (answered.of("on_end"), answered.of("on_exception"))
        steps = await client.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc")
        tool_step = steps.data[0].step_details.tool_calls[0]
        assert ("completed", "sunny, 21") == (steps.data[0].status, tool_step.function.output)


async def test_a_function_call_is_answered_without_streaming() -> None:
    """``create_and_poll`` stops at requires_action; ``submit_tool_outputs_and_poll`` ends it."""
    async with serving([[WEATHER], [{"text": SUNNY}]]) as (_, client):
        agent, thread = await started(client)
        runs = client.beta.threads.runs
        waiting = await runs.create_and_poll(thread_id=thread.id, assistant_id=agent.id)
        (call,) = waiting.required_action.submit_tool_outputs.tool_calls
        run = await runs.submit_tool_outputs_and_poll(
            run_id=waiting.id,
            thread_id=thread.id,
            tool_outputs=[{"tool_call_id": call.id, "output": "sunny"}],
        )
        latest = (await client.beta.threads.messages.list(thread.id, limit=1)).data[0]
        assert ("requires_action", "completed", SUNNY) == (
            waiting.status,
            run.status,
            latest.content[0].text.value,
        )


# -- polling -------------------------------------------------------------------------------


async def _create_and_poll(client: Any, agent: Any, thread: Any) -> Any:
    return await client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=agent.id
    )


async def _create_and_run_poll(client: Any, agent: Any, thread: Any) -> Any:
    return await client.beta.threads.create_and_run_poll(
        assistant_id=agent.id, thread={"messages": [{"role": "user", "content": "Hi!"}]}
    )


@pytest.mark.parametrize("poll", [_create_and_poll, _create_and_run_poll])
async def test_a_poller_sees_the_run_progress(
    poll: Callable[[Any, Any, Any], Awaitable[Any]],
) -> None:
    """The helper is told queued, then in_progress, then completed, fast (poll-after-ms)."""
    statuses: list[str] = []  # of every run answered: the create, then each retrieve

    async def status_of(response: Any) -> None:
        if "/runs" in response.request.url.path:
            await response.aread()
            answer = response.json()
            statuses.extend([answer["status"]] if answer.get("object") == "thread.run" else [])

    async with AssistantServer(script=[[{"text": SUNNY}]]) as server:
        http = plain_http(event_hooks={"response": [status_of]})
        async with openai.AsyncOpenAI(
            base_url=server.base_url, api_key=KEY, http_client=http
        ) as client:
            agent, thread = await started(client)
            began = time.monotonic()
            run = await poll(client, agent, thread)
            elapsed = time.monotonic() - began
            messages = await client.beta.threads.messages.list(run.thread_id, run_id=run.id)
    assert ["queued", "in_progress", "completed"] == distinct(statuses)
    assert ("completed", SUNNY) == (run.status, messages.data[0].content[0].text.value)
    assert elapsed < POLL_SECONDS


# -- lists ---------------------------------------------------------------------------------


async def test_messages_are_listed_in_order_and_in_pages() -> None:
    """Newest first by default; ``order``, ``limit``, ``after`` and ``before`` page through."""
    async with serving() as (_, client):
        texts = [f"message {n}" for n in range(5)]
        _, thread = await started(client, *texts)
        messages = client.beta.threads.messages

        def values(page: Any) -> list[str]:
            return [m.content[0].text.value for m in page.data]

        newest = await messages.list(thread.id, limit=2)
        after = await messages.list(thread.id, limit=2, after=newest.data[-1].id)
        before = await messages.list(thread.id, order="asc", before=after.data[0].id)
        every = [
            m.content[0].text.value async for m in messages.list(thread.id, order="asc", limit=2)
        ]
        assert (texts[:-3:-1], True) == (values(newest), newest.has_more)
        assert (texts[2:0:-1], texts[:2]) == (values(after), values(before))
        assert texts == every
        assert texts[::-1] == values(await messages.list(thread.id))


async def test_run_steps_are_listed_and_retrieved() -> None:
    """A run's steps come in both orders, and each is retrieved as listed."""
    script = [[{"code_interpreter": {"input": "1 + 1"}}, {"text": "Two."}]]
    async with serving(script) as (_, client):
        agent, thread = await started(client)
        run = await client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=agent.id
        )
        steps = client.beta.threads.runs.steps
        oldest = await steps.list(run.id, thread_id=thread.id, order="asc")
        newest = await steps.list(run.id, thread_id=thread.id)
        fetched = [
            await steps.retrieve(step.id, thread_id=thread.id, run_id=run.id)
            for step in oldest.data
        ]
        assert ["tool_calls", "message_creation"] == [step.type for step in oldest.data]
        assert (oldest.data[::-1], oldest.data) == (newest.data, fetched)
        assert ["completed", "completed"] == [step.status for step in fetched]
        runs = await client.beta.threads.runs.list(thread.id)
        assert [run.id] == [listed.id for listed in runs.data]


# -- cancel --------------------------------------------------------------------------------


async def test_a_queued_run_is_cancelled() -> None:
    """Cancelling answers ``cancelling``; the run ends ``cancelled``; a second cancel is 400."""
    async with serving() as (_, client):
        agent, thread = await started(client)
        runs = client.beta.threads.runs
        run = await runs.create(thread.id, assistant_id=agent.id)
        cancelling = await runs.cancel(run.id, thread_id=thread.id)
        ended = await runs.poll(run.id, thread_id=thread.id)
        with pytest.raises(openai.BadRequestError) as refused:
            await runs.cancel(run.id, thread_id=thread.id)
        assert ("cancelling", "cancelled", True) == (
            cancelling.status,
            ended.status,
            ended.cancelled_at is not None,
        )
        assert "Cannot cancel run with status 'cancelled'." == refused.value.body["message"]


async def test_a_streaming_run_is_cancelled_from_the_handler() -> None:
    """A cancel sent on the first text delta ends the stream with thread.run.cancelled."""
    long_text = " ".join(f"word{n}" for n in range(60))
    faults = Fault(event_delay=0.005)
    async with serving([[{"text": long_text}]], faults=faults) as (_, client):
        agent, thread = await started(client)

        class Cancelling(Recording):
            async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
                if not self.of("on_text_delta"):
                    await client.beta.threads.runs.cancel(self.current_run.id, thread_id=thread.id)
                await super().on_text_delta(delta, snapshot)

        handler = Cancelling()
        async with client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=agent.id, event_handler=handler
        ) as stream:
            await stream.until_done()
            run = await stream.get_final_run()
        said = "".join(delta.value for delta in handler.of("on_text_delta"))
        (message,) = (await client.beta.threads.messages.list(thread.id, run_id=run.id)).data
        (step,) = (await client.beta.threads.runs.steps.list(run.id, thread_id=thread.id)).data
        kept = message.content[0].text.value
        assert ("cancelled", [None]) == (run.status, handler.of("on_end"))
        assert (True, True) == (long_text.startswith(said), len(said) < len(long_text))
        assert ("incomplete", "run_cancelled", "cancelled") == (
            message.status,
            message.incomplete_details.reason,
            step.status,
        )
        assert (True, True) == (kept.startswith(said), long_text.startswith(kept))


# -- refusals ------------------------------------------------------------------------------


async def test_a_wrong_key_is_an_authentication_error() -> None:
    """With ``api_key=`` set, another key is a 401 that quotes the key masked."""
    async with (
        AssistantServer(api_key="sk-right-0123456789") as server,
        openai.AsyncOpenAI(
            base_url=server.base_url, api_key="sk-wrong-0123456789", http_client=plain_http()
        ) as client,
    ):
        with pytest.raises(openai.AuthenticationError) as refused:
            await client.beta.threads.create()
    assert (401, "invalid_api_key") == (refused.value.status_code, refused.value.code)
    assert "sk-wrong-0123456789" not in refused.value.body["message"]


async def test_an_unknown_id_is_not_found() -> None:
    """Unknown assistants, threads, runs and steps are openai.NotFoundError, naming the id."""
    async with serving() as (_, client):
        agent, thread = await started(client)
        beta = client.beta
        calls = [
            beta.assistants.retrieve("asst_missing"),
            beta.threads.retrieve("thread_missing"),
            beta.threads.runs.retrieve("run_missing", thread_id=thread.id),
            beta.threads.runs.create("thread_missing", assistant_id=agent.id),
        ]
        messages = []
        for call in calls:
            with pytest.raises(openai.NotFoundError) as refused:
                await call
            messages.append(refused.value.body["message"])
    assert [
        "No assistant found with id 'asst_missing'.",
        "No thread found with id 'thread_missing'.",
        "No run found with id 'run_missing'.",
        "No thread found with id 'thread_missing'.",
    ] == messages


async def test_a_second_active_run_is_a_bad_request() -> None:
    """While a run is active on a thread, another run there is openai.BadRequestError."""
    async with serving() as (_, client):
        agent, thread = await started(client)
        run = await client.beta.threads.runs.create(thread.id, assistant_id=agent.id)
        with pytest.raises(openai.BadRequestError) as refused:
            await client.beta.threads.runs.create(thread.id, assistant_id=agent.id)
        await client.beta.threads.runs.poll(run.id, thread_id=thread.id)
    expected = f"Thread {thread.id} already has an active run {run.id}."
    assert (400, expected) == (refused.value.status_code, refused.value.body["message"])


async def test_tool_outputs_are_refused_unless_the_run_waits_for_them() -> None:
    """Outputs for a finished run, or for other call ids, are openai.BadRequestError."""
    async with serving([[{"text": "Done."}], [WEATHER], [{"text": SUNNY}]]) as (_, client):
        agent, thread = await started(client)
        runs = client.beta.threads.runs
        ended = await runs.create_and_poll(thread_id=thread.id, assistant_id=agent.id)
        with pytest.raises(openai.BadRequestError) as finished:
            await runs.submit_tool_outputs(
                ended.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": "x", "output": "y"}]
            )
        waiting = await runs.create_and_poll(thread_id=thread.id, assistant_id=agent.id)
        (call,) = waiting.required_action.submit_tool_outputs.tool_calls
        with pytest.raises(openai.BadRequestError) as other_ids:
            await runs.submit_tool_outputs(
                waiting.id,
                thread_id=thread.id,
                tool_outputs=[{"tool_call_id": "call_other", "output": "y"}],
            )
        still = await runs.retrieve(waiting.id, thread_id=thread.id)
    assert (
        'Runs in status "completed" do not accept tool outputs.' == finished.value.body["message"]
    )
    expected = f"Expected tool outputs for call_ids ['{call.id}'], got ['call_other']"
    assert (expected, "requires_action") == (other_ids.value.body["message"], still.status)


@pytest.mark.parametrize(
    ("extra", "param", "code"),
    [
        ({"temperature": "hot"}, "temperature", "invalid_type"),
        ({"assistant_id": None}, "assistant_id", "missing_required_parameter"),
        ({"colour": "blue"}, "colour", "unknown_parameter"),
    ],
    ids=["wrong type", "missing", "unknown"],
)
async def test_a_bad_body_is_a_bad_request_naming_the_field(
    extra: dict[str, Any], param: str, code: str
) -> None:
    """A field of the wrong type, a missing one or an unknown one is a 400 that names it."""
    async with serving() as (_, client):
        agent, thread = await started(client)
        with pytest.raises(openai.BadRequestError) as refused:
            await client.beta.threads.runs.create(
                thread.id, assistant_id=agent.id, extra_body=extra
            )
        runs = await client.beta.threads.runs.list(thread.id)
    assert (param, code, []) == (refused.value.param, refused.value.code, runs.data)
