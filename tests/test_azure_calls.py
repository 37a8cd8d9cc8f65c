"""Tests for assistant_stream._azure_calls: the Azure AI Agents tool calls while they stream.

Each kind gives one ``on_tool_call_created``, its deltas, and one ``on_tool_call_done``
with the complete call; its fragment fields concatenate and the others overwrite. The
rules are spelled here independently of ``ROWS``, and checked on small synthetic streams
and on the recorded Azure streams (skipped when ../shared is absent).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from accumulating import args, feed, names, sd
from builders import Frame, Recorder, RecorderBase, events, run, step
from shared_data import azure_recordings, requires_azure_recordings

from assistant_stream import replay
from assistant_stream import types as t
from assistant_stream._azure_calls import ROWS, AzureCall
from assistant_stream._converter import FAST
from assistant_stream._tool_calls import KINDS
from assistant_stream.accumulate import Accumulator
from assistant_stream.errors import InvalidDeltaError
from assistant_stream.sse import SSEDecoder

#: Each kind: the key its fields sit under (``None``: flat), the fields that concatenate,
#: and the fields that overwrite. Together they are every field of the kind's details.
RULES: dict[str, tuple[str | None, set[str], set[str]]] = {
    "mcp": (None, {"arguments", "output"}, {"name", "server_label"}),
    "bing_grounding": ("bing_grounding", set(), {"requesturl", "response_metadata"}),
    "bing_custom_search": ("bing_custom_search", set(), {"requesturl", "response_metadata"}),
    "azure_ai_search": ("azure_ai_search", {"input", "output"}, set()),
    "azure_function": ("azure_function", {"arguments", "output"}, {"name"}),
    "connected_agent": (
        "connected_agent",
        {"arguments", "output"},
        {"name", "run_id", "thread_id", "assistant_id"},
    ),
    "sharepoint_grounding": ("sharepoint_grounding", {"input", "output"}, set()),
    "fabric_dataagent": ("fabric_dataagent", {"input", "output"}, set()),
    "deep_research": ("deep_research", {"input", "output"}, set()),
    "openapi": ("function", {"arguments", "output"}, {"name"}),
    "browser_automation": ("browser_automation", {"input", "output"}, {"steps"}),
    "computer_use_preview": (
        "computer_use_preview",
        set(),
        {"action", "pending_safety_checks", "output", "acknowledged_safety_checks"},
    ),
}

#: Two values of each overwritten field that is not text: (first, second).
OBJECTS: dict[str, tuple[Any, Any]] = {
    "steps": ([{"next_step": "open"}], [{"next_step": "click"}, {"next_step": "read"}]),
    "action": ({"type": "click", "x": 1}, {"type": "type", "text": "hi"}),
    "pending_safety_checks": ([{"id": "sc_1"}], [{"id": "sc_2", "code": "malicious"}]),
    "output": ({"file_id": "file_1"}, {"image_url": "data:2"}),
    "acknowledged_safety_checks": ([], [{"id": "sc_2"}]),
}


def patch(kind: str, call_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """A tool-call patch of ``kind`` at index 0, its fields where the kind keeps them."""
    detail = RULES[kind][0]
    payload: dict[str, Any] = {"index": 0, "type": kind}
    if call_id is not None:
        payload["id"] = call_id
    if detail is None:
        payload.update(fields)
    elif fields:
        payload[detail] = fields
    return payload


def full(kind: str, call_id: str, **fields: Any) -> Any:
    """The full call of ``kind`` with those fields, as the converter makes it from JSON."""
    payload = patch(kind, call_id, **fields)
    del payload["index"]
    return FAST.structure(payload, t.ToolCall)


def values(kind: str, round_: int) -> dict[str, Any]:
    """Round 0 or 1 of a stream: a piece of every fragment field, a value of every other."""
    _, fragments, overwritten = RULES[kind]
    pieces = dict.fromkeys(fragments, ("ab", "cd")[round_])
    wholes = {
        name: OBJECTS[name][round_] if name in OBJECTS else f"{name}-{round_}"
        for name in overwritten
    }
    return {**pieces, **wholes}


def expected_after(kind: str, rounds: int) -> dict[str, Any]:
    """The fields after ``rounds`` rounds: the pieces joined, the last whole value."""
    _, fragments, _ = RULES[kind]
    joined = {name: "".join(("ab", "cd")[:rounds]) for name in fragments}
    return {**values(kind, rounds - 1), **joined}


def test_the_rules_name_every_field_of_every_azure_kind() -> None:
    """``RULES`` is complete: every Azure kind, every field of its details, once."""
    rows = {row.kind: row for row in ROWS}
    assert set(RULES) == set(rows)
    expected, actual = {}, {}
    for kind, (detail, fragments, overwritten) in RULES.items():
        model = rows[kind].model
        declared = {f.name for f in attrs.fields(model)} - (
            {"id", "type"} if detail is None else set()
        )
        expected[kind] = (detail, declared)
        actual[kind] = (rows[kind].detail, fragments | overwritten)
    assert expected == actual


def test_every_azure_kind_has_its_entry() -> None:
    """Each Azure member of the ToolCall union is a kind of ``KINDS`` with its delta class."""
    openai = {t.CodeInterpreterToolCall, t.FileSearchToolCall, t.FunctionToolCall}
    members = set(t.ToolCall.__args__) - openai - {t.UnknownToolCall}  # type: ignore[attr-defined]
    entries = {kind: cls for kind, cls in KINDS.items() if issubclass(cls, AzureCall)}
    assert members == {cls.model_class for cls in entries.values()}
    deltas = set(t.ToolCallDelta.__args__)  # type: ignore[attr-defined]
    assert all(cls.delta_class in deltas for cls in entries.values())
    assert all(
        cls.kind == attrs.fields_dict(cls.model_class)["type"].default for cls in entries.values()
    )


# -- each kind on a small stream -----------------------------------------------------------


@pytest.mark.parametrize("kind", RULES)
def test_fragments_concatenate_and_the_rest_overwrites(kind: str) -> None:
    """Two rounds of every field: fragments joined, other values replaced, None no change."""
    accumulator, notices = feed(
        ("thread.run.step.created", step("s1")),
        sd(patch(kind, "call_1", **values(kind, 0))),
        sd(patch(kind, **values(kind, 1))),
        sd(patch(kind)),  # no field: nothing changes
        ("thread.run.completed", run("completed")),
    )
    first = full(kind, "call_1", **expected_after(kind, 1))
    done = full(kind, "call_1", **expected_after(kind, 2))
    lifecycle = ["on_tool_call_created", *["on_tool_call_delta"] * 3, "on_tool_call_done"]
    assert lifecycle == [name for name in names(notices) if name.startswith("on_tool_call")]
    assert [(first,)] == args(notices, "on_tool_call_created")
    snapshots = [snapshot for _, snapshot in args(notices, "on_tool_call_delta")]
    assert [first, done, done] == snapshots
    # The union member itself is a plain instance (code dispatches on ``type(call)``).
    assert {type(done)} == {type(snapshot) for snapshot in snapshots}
    assert [(done,)] == args(notices, "on_tool_call_done")
    assert (done,) == accumulator.run_steps()[0].step_details.tool_calls


@pytest.mark.parametrize("kind", RULES)
def test_the_step_end_carries_the_complete_call(kind: str) -> None:
    """A completed step's call is what ``done`` carries and what the final steps hold."""
    call = full(kind, "call_1", **expected_after(kind, 2))
    accumulator, notices = feed(
        sd(patch(kind, "call_1", **values(kind, 0))),
        ("thread.run.step.completed", step("s1", "completed", [FAST.unstructure(call)])),
    )
    assert [(call,)] == args(notices, "on_tool_call_done")
    assert (call,) == accumulator.run_steps()[0].step_details.tool_calls


def test_fragment_snapshots_keep_their_value() -> None:
    """A snapshot taken early keeps its arguments and output after later pieces."""
    _, notices = feed(
        sd(patch("mcp", "c", arguments='{"a"', output=None)),
        sd(patch("mcp", arguments=": 1}", output="par")),
        sd(patch("mcp", output="tial")),
    )
    snapshots = [snapshot for _, snapshot in args(notices, "on_tool_call_delta")]
    assert [('{"a"', None), ('{"a": 1}', "par"), ('{"a": 1}', "partial")] == [
        (s.arguments, s.output) for s in snapshots
    ]


def test_streamed_arguments_are_joined_only_when_read() -> None:
    """Each delta's snapshot costs the same: the lazy field's pieces are not joined for it."""
    pieces = [f"{n}," for n in range(2000)]
    frames = [sd(patch("azure_function", "c", name="f", arguments="["))]
    frames += [sd(patch("azure_function", arguments=piece)) for piece in pieces]
    accumulator, notices = feed(*frames)
    (entry,) = accumulator._run_steps["s1"].entries
    assert 1 + len(pieces) == len(entry._first._parts)  # never joined
    *_, (_, last) = args(notices, "on_tool_call_delta")
    assert "[" + "".join(pieces) == last.azure_function.arguments


def test_a_field_absent_stays_none_and_an_empty_one_is_kept() -> None:
    """A fragment field no delta carried is ``None``; one sent as ``""`` is ``""``."""
    accumulator, _ = feed(
        sd(patch("azure_function", "c", name="foo", arguments="", output=None)),
    )
    (call,) = accumulator.run_steps()[0].step_details.tool_calls
    assert t.AzureFunction(name="foo", arguments="", output=None) == call.azure_function


def test_a_created_step_seeds_the_call() -> None:
    """A call in ``thread.run.step.created`` is continued by deltas, and created once."""
    seeded = FAST.unstructure(full("deep_research", "c", input="rese", output=None))
    _, notices = feed(
        ("thread.run.step.created", step("s1", tool_calls=[seeded])),
        sd(patch("deep_research", input="arch", output="report")),
        ("thread.run.step.completed", step("s1", "completed")),
    )
    call = full("deep_research", "c", input="research", output="report")
    assert [(call,)] == args(notices, "on_tool_call_created")
    assert [(call,)] == args(notices, "on_tool_call_done")


def test_an_untyped_patch_continues_the_call() -> None:
    """A patch without a ``type`` continues the Azure call at its index, as its kind."""
    accumulator, _ = feed(
        sd(patch("openapi", "c", name="get", arguments="{")),
        sd({"index": 0, "function": {"arguments": "}", "output": "sunny"}}),
    )
    (call,) = accumulator.run_steps()[0].step_details.tool_calls
    assert full("openapi", "c", name="get", arguments="{}", output="sunny") == call


def test_a_refused_event_leaves_the_call_as_it_was() -> None:
    """An event whose second patch is refused undoes its first: pieces and new builders."""
    frames: list[Frame] = [sd(patch("connected_agent", "c", name="helper", arguments="{"))]
    accumulator = Accumulator()
    for event in events(*frames):
        accumulator.feed(event)
    before = accumulator.run_steps()
    bad = sd(
        patch("connected_agent", arguments="}", output="ok", run_id="run_2"),
        {"index": 0, "type": "function", "function": {"arguments": "x"}},
    )
    (event,) = events(bad)
    with pytest.raises(InvalidDeltaError):
        accumulator.feed(event)
    assert before == accumulator.run_steps()
    for event in events(sd(patch("connected_agent", arguments="}"))):
        accumulator.feed(event)
    (call,) = accumulator.run_steps()[0].step_details.tool_calls
    assert t.ConnectedAgent(name="helper", arguments="{}") == call.connected_agent


def test_a_run_ending_while_the_call_streams_finishes_it() -> None:
    """A call whose step never completes (an MCP approval) is done when the run pauses."""
    _, notices = feed(
        sd(patch("mcp", "c", name="fetch", arguments="{}", server_label="github")),
        ("thread.run.requires_action", {"id": "run_1", "status": "requires_action"}),
    )
    call = t.McpToolCall(id="c", name="fetch", arguments="{}", server_label="github")
    assert [(call,)] == args(notices, "on_tool_call_done")


# -- the recordings ----------------------------------------------------------------------


def raw_frames(path: Path) -> list[tuple[str, Any]]:
    """Each frame of a recording as (event name, parsed JSON data)."""
    decoder = SSEDecoder()
    frames = decoder.feed(path.read_bytes()) + decoder.finish()
    return [(f.event, orjson.loads(f.data)) for f in frames if f.event != "done"]


def streamed_calls(path: Path) -> list[dict[str, Any]]:
    """The tool-call patches of a recording's step deltas, in order."""
    return [
        call
        for event, data in raw_frames(path)
        if event == "thread.run.step.delta"
        for call in (data["delta"].get("step_details") or {}).get("tool_calls") or ()
    ]


async def replayed(path: Path) -> tuple[RecorderBase, tuple[t.RunStep, ...]]:
    """Replay a recording through a ``Recorder``; its callbacks and its final steps."""
    recorder = Recorder()
    async with replay(path, recorder) as stream:
        steps = await stream.get_final_run_steps()
    return recorder, steps


@requires_azure_recordings
@pytest.mark.parametrize("path", azure_recordings(), ids=lambda p: p.stem)
async def test_each_recorded_call_is_created_once_and_done_once(path: Path) -> None:
    """Every call a recording streams gives exactly one created and one done."""
    recorder, _ = await replayed(path)
    ids = {call["id"] for call in streamed_calls(path) if "id" in call}
    created = Counter(call.id for (call,) in recorder.args("on_tool_call_created"))
    done = Counter(call.id for (call,) in recorder.args("on_tool_call_done"))
    assert (dict.fromkeys(ids, 1), dict.fromkeys(ids, 1)) == (dict(created), dict(done))


@requires_azure_recordings
@pytest.mark.parametrize("path", azure_recordings(), ids=lambda p: p.stem)
async def test_final_steps_hold_the_completed_calls(path: Path) -> None:
    """Each completed step's calls are in ``get_final_run_steps()`` as the server sent them."""
    _, steps = await replayed(path)
    by_id = {s.id: s for s in steps}
    completed = [data for event, data in raw_frames(path) if event == "thread.run.step.completed"]
    expected = {data["id"]: FAST.structure(data, t.RunStep) for data in completed}
    assert expected == {key: by_id[key] for key in expected}


@requires_azure_recordings
async def test_recorded_mcp_call_is_complete_although_its_step_never_ends() -> None:
    """The MCP call waiting for approval ends with the values its delta carried."""
    (path,) = [p for p in azure_recordings() if p.name.startswith("001-")]
    recorder, steps = await replayed(path)
    (patch_,) = streamed_calls(path)
    expected = t.McpToolCall(
        id=patch_["id"],
        name=patch_["name"],
        arguments=patch_["arguments"],
        server_label=patch_["server_label"],
    )
    ((done,),) = recorder.args("on_tool_call_done")
    calls = [
        c
        for s in steps
        if type(s.step_details) is t.ToolCallsStepDetails
        for c in s.step_details.tool_calls
    ]
    assert (expected, [expected]) == (done, calls)


@requires_azure_recordings
async def test_recorded_azure_function_arguments_are_the_joined_deltas() -> None:
    """The last delta snapshot holds every streamed piece of the arguments, and the output.

    (The completed step's arguments differ: the recorder sanitised a host name there.)
    """
    (path,) = [p for p in azure_recordings() if p.name.startswith("008-")]
    recorder, _ = await replayed(path)
    pieces = [call["azure_function"].get("arguments") for call in streamed_calls(path)]
    *_, (_, last) = recorder.args("on_tool_call_delta")
    expected = t.AzureFunction(name="foo", arguments="".join(p for p in pieces if p), output="Bar")
    assert expected == last.azure_function
    assert last.azure_function.arguments.startswith('{"query":"What is')


@requires_azure_recordings
async def test_recorded_bing_request_url_is_overwritten_not_doubled() -> None:
    """``requesturl`` arrives as ``""`` then whole; the snapshots hold it once."""
    (path,) = [p for p in azure_recordings() if p.name.startswith("003-")]
    recorder, _ = await replayed(path)
    urls = [s.bing_grounding.requesturl for _, s in recorder.args("on_tool_call_delta")]
    whole = next(u for u in urls if u)
    assert ["", whole, whole] == urls
    assert whole.startswith("https://api.bing.microsoft.com/")


@requires_azure_recordings
async def test_recorded_url_citations_reach_on_annotation() -> None:
    """The ``url_citation`` annotations of the Bing answer are given to ``on_annotation``."""
    (path,) = [p for p in azure_recordings() if p.name.startswith("003-")]
    recorder, _ = await replayed(path)
    annotations = [annotation for annotation, _ in recorder.args("on_annotation")]
    assert annotations
    assert all(type(a) is t.URLCitationAnnotation for a in annotations)
    assert {"https://en.wikipedia.org/wiki/Euler%27s_identity"} <= {
        a.url_citation.url for a in annotations
    }
