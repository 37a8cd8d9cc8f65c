"""Tests for assistant_stream.testing against ../shared/recorded: it streams as the service does.

For each recording, the script that says the same things is read off the recording itself
(the text of its messages and their citations, its tool calls with their arguments, inputs
and results, the incomplete cut), played by an ``AssistantServer`` and fetched over real
HTTP with aiohttp. The served body must have the recorded order of events (a run of deltas
counting as one) and the recorded shapes: for each event name, every key path of its
objects and deltas, and the statuses they carry. A create-and-run that stops at
``requires_action`` is driven on through its ``submit_tool_outputs`` follow-up. Last, a
script of ``replay`` turns gives this package's client the callbacks of ``replay()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import aiohttp
import orjson
import pytest
from builders import Recorder
from recorded_shapes import Frame, collapsed, frames_of, recorded_answer, runs_of, shapes
from shared_data import RECORDED, recordings, requires_recordings
from tool_bodies import RECORDED_PAIRS, without_repeats

from assistant_stream import AssistantClient, StreamState, replay
from assistant_stream.testing import AssistantServer

pytestmark = requires_recordings

KEY: Final = "sk-test-0123456789abcdef"
HEADERS: Final = {"Authorization": f"Bearer {KEY}", "OpenAI-Beta": "assistants=v2"}
USER: Final = {"role": "user", "content": "What should I wear today?"}
#: What the assistant is made with, and what the run asks for, taken from the recorded run.
AGENT_FIELDS: Final = ("model", "instructions", "tools")
RUN_FIELDS: Final = ("max_completion_tokens", "max_prompt_tokens")
#: The one recording of 2024's beta v1: older shapes (``file_ids``, no ``tool_resources``,
#: no usage details), and a cut run that ends with ``thread.run.completed`` where the v2
#: service (and the server) sends ``thread.run.incomplete``.
BETA_V1: Final = "005-incomplete-max-tokens-betav1"
SUBSTITUTED: Final = {"thread.run.completed": "thread.run.incomplete"}
#: Each create-and-run that stops at requires_action, and its submit_tool_outputs body.
FOLLOW_UPS: Final = {
    RECORDED / f"{first}.sse": RECORDED / f"{second}.sse"
    for first, second in RECORDED_PAIRS
    if not first.startswith("azure/")
}
CASES: Final = [
    [path, *([FOLLOW_UPS[path]] if path in FOLLOW_UPS else [])]
    for path in recordings()
    if path not in FOLLOW_UPS.values()
]
PAIRS: Final = [(first, second) for first, second in FOLLOW_UPS.items() if first.is_file()]


# -- a recording's script ------------------------------------------------------------------


def _code_interpreter(call: dict[str, Any]) -> dict[str, Any]:
    spec = call["code_interpreter"]
    logs = [output["logs"] for output in spec["outputs"] if output["type"] == "logs"]
    image = any(output["type"] == "image" for output in spec["outputs"])
    return {
        "code_interpreter": {
            "input": spec["input"],
            **({"logs": "".join(logs)} if logs else {}),
            **({"image": True} if image else {}),
        }
    }


def _file_search(call: dict[str, Any]) -> dict[str, Any]:
    return {"file_search": {"results": call["file_search"]["results"]}}


#: The script part of each tool call a step completes (function calls: see requires_action).
TOOL_PARTS: Final[Mapping[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "code_interpreter": _code_interpreter,
    "file_search": _file_search,
}


def _text(message: dict[str, Any], streamed: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """A message's text part; a citation's quote is only in the delta that streamed it."""
    (block,) = message["content"]
    citations = []
    for note in block["text"]["annotations"]:
        kind, marker = note["type"], note["text"]
        quote = streamed.get(marker, note)[kind].get("quote")
        citation = {"marker": marker, "file_id": note[kind]["file_id"], "type": kind}
        citations.append({**citation, **({"quote": quote} if quote is not None else {})})
    return {"text": block["text"]["value"], **({"citations": citations} if citations else {})}


def turn_of(frames: list[Frame]) -> list[dict[str, Any]]:
    """The script turn that does what the recorded body shows, part by part."""
    parts: list[dict[str, Any]] = []
    streamed: dict[str, dict[str, Any]] = {}  # citation marker -> its annotation as streamed
    for name, data in frames:
        if name == "thread.message.delta":
            for block in data["delta"]["content"]:
                for note in block.get("text", {}).get("annotations", []):
                    streamed[note["text"]] = note
        elif name == "thread.run.step.completed" and data["type"] == "tool_calls":
            calls = data["step_details"]["tool_calls"]
            parts += [TOOL_PARTS[c["type"]](c) for c in calls if c["type"] in TOOL_PARTS]
        elif name in {"thread.message.completed", "thread.message.incomplete"}:
            parts.append(_text(data, streamed))
        elif name == "thread.run.requires_action":
            calls = data["required_action"]["submit_tool_outputs"]["tool_calls"]
            parts += [{"function_call": dict(call["function"])} for call in calls]
    cut = runs_of(frames)[-1]["incomplete_details"]
    return [*parts, *([{"incomplete": cut["reason"]}] if cut else [])]


# -- the server's bodies -------------------------------------------------------------------


async def served(halves: list[list[Frame]]) -> list[list[Frame]]:
    """The server's bodies for recorded ones: the run with their script, then each submit."""
    recorded_run = runs_of(halves[0])[0]
    script = [turn_of(half) for half in halves]
    async with (
        AssistantServer(script=script) as server,
        aiohttp.ClientSession(headers=HEADERS) as http,  # aiohttp 3.10's base_url has no path
    ):

        async def post(path: str, body: dict[str, Any]) -> bytes:
            async with http.post(f"{server.base_url}/{path}", json=body) as response:
                assert 200 == response.status, await response.text()
                return await response.read()

        agent = orjson.loads(
            await post("assistants", {key: recorded_run[key] for key in AGENT_FIELDS})
        )
        settings = {key: recorded_run[key] for key in RUN_FIELDS if recorded_run.get(key)}
        run_body = {"assistant_id": agent["id"], **settings, "stream": True}
        if halves[0][0][0] == "thread.created":
            bodies = [await post("threads/runs", {**run_body, "thread": {"messages": [USER]}})]
        else:
            thread = orjson.loads(await post("threads", {"messages": [USER]}))
            bodies = [await post(f"threads/{thread['id']}/runs", run_body)]
        for half in halves[1:]:
            path, outputs = recorded_answer(frames_of(bodies[-1]), half)
            bodies.append(await post(path, {"tool_outputs": outputs, "stream": True}))
    return [frames_of(body) for body in bodies]


def _ids(cases: list[list[Path]]) -> list[str]:
    return [case[0].stem for case in cases]


@pytest.mark.parametrize("paths", CASES, ids=_ids(CASES))
async def test_the_events_come_in_the_recorded_order(paths: list[Path]) -> None:
    """Each served body has the recorded sequence of event names, deltas counted once."""
    recorded = [frames_of(path.read_bytes()) for path in paths]
    expected = [collapsed(half) for half in recorded]
    if paths[0].stem == BETA_V1:
        expected = [[SUBSTITUTED.get(name, name) for name in half] for half in expected]
    assert expected == [collapsed(body) for body in await served(recorded)]


@pytest.mark.parametrize("paths", CASES, ids=_ids(CASES))
async def test_the_objects_have_the_recorded_shapes(paths: list[Path]) -> None:
    """Each event's objects and deltas have the recorded key paths and statuses."""
    if paths[0].stem == BETA_V1:
        pytest.skip("a beta-v1 recording (2024): file_ids, no tool_resources, no usage details")
    recorded = [frames_of(path.read_bytes()) for path in paths]
    assert [shapes(half) for half in recorded] == [shapes(body) for body in await served(recorded)]


@pytest.mark.parametrize("paths", CASES, ids=_ids(CASES))
async def test_the_served_bodies_say_what_the_recordings_say(paths: list[Path]) -> None:
    """Read back off each served body, the script is the one read off the recording."""
    recorded = [frames_of(path.read_bytes()) for path in paths]
    assert [turn_of(half) for half in recorded] == [
        turn_of(body) for body in await served(recorded)
    ]


# -- replay turns --------------------------------------------------------------------------


async def alone(path: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """The callbacks of ``replay()`` of one recording, and its messages' ids and text."""
    recorder = Recorder()
    async with replay(path, recorder) as stream:
        messages = await stream.get_final_messages()
    return recorder.names(), [(m.id, m.content[0].text.value) for m in messages]


@pytest.mark.parametrize(("first", "second"), PAIRS, ids=[first.stem[:3] for first, _ in PAIRS])
async def test_replay_turns_give_the_callbacks_of_their_recordings(
    first: Path, second: Path
) -> None:
    """A script of two ``replay`` turns, submitted by hand, calls back as both recordings."""
    recorder = Recorder()
    script = [[{"replay": str(first)}], [{"replay": str(second)}]]
    async with (
        AssistantServer(script=script, api_key=KEY) as server,
        AssistantClient(api_key=KEY, base_url=server.base_url) as client,
    ):
        agent = await client.assistants.create(model="gpt-4o")
        stream = client.threads.create_and_run_stream(
            assistant_id=agent.id, thread={"messages": [USER]}, handler=recorder
        )
        async with stream:
            await stream.until_done()
            paused = stream.state
            await stream.submit_tool_outputs(
                {call.id: "warm and sunny" for call in stream.required_tool_calls}
            )
            messages = await stream.get_final_messages()
            final = await stream.get_final_run()
        steps = await client.threads.runs.steps.list(final.run.thread_id, final.run.id)
    (names_one, _), (names_two, said) = await alone(first), await alone(second)
    assert (StreamState.PAUSED, "completed") == (paused, final.run.status)
    assert without_repeats(names_one, names_two) == recorder.names()
    assert said == [(m.id, m.content[0].text.value) for m in messages]
    recorded_steps = {
        data["id"]
        for _, data in frames_of(second.read_bytes())
        if isinstance(data, dict) and data.get("object") == "thread.run.step"
    }
    assert recorded_steps == {step.id for step in steps.data}
