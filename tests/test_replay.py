"""Tests for assistant_stream._replay and the recordings end to end.

``replay`` takes every kind of source it documents and refuses the rest. Then every real
recording (``../shared/recorded``, skipped when absent) is replayed cut into random chunks
and checked against what its own bytes say, read here without the package's decoder: the
text, the tool calls, the run's last status, the steps and the messages.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from builders import (
    Recorder,
    RecorderBase,
    body,
    message,
    message_delta,
    record,
    run,
    text,
    text_patch,
)
from helpers import split_at
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_data import recordings, requires_recordings
from strategies import cut_points

from assistant_stream import (
    StreamInterrupted,
    StreamState,
    ThreadMessageDelta,
    decode_event,
    replay,
)
from assistant_stream.types.message_delta import TextDeltaBlock

SAMPLE = body(
    ("thread.run.created", run("queued")),
    ("thread.message.created", message("msg_1")),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "Hel", []))),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "lo"))),
    ("thread.message.completed", message("msg_1", "completed", [text("Hello")])),
    ("thread.run.completed", run("completed")),
)

RECORDINGS = pytest.mark.parametrize("path", recordings(), ids=lambda path: path.stem)


async def chunks_of(data: bytes, cuts: list[int]) -> AsyncIterator[bytes]:
    """Yield ``data`` cut at ``cuts``, as a network might deliver it."""
    for chunk in split_at(data, cuts):
        yield chunk


class Chunks:
    """An async iterable of bytes that is not an async generator."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __aiter__(self) -> AsyncIterator[bytes]:
        return chunks_of(self.data, [7])


def calls_of(recorder: RecorderBase) -> list[tuple[str, str]]:
    """Every callback as (name, repr of its arguments), for comparing two runs."""
    return [(name, repr(args)) for name, args in recorder.calls]


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------

SOURCES: dict[str, Callable[[Path], Any]] = {
    "bytes": lambda path: SAMPLE,
    "bytearray": lambda path: bytearray(SAMPLE),
    "memoryview": lambda path: memoryview(SAMPLE),
    "str path": str,
    "pathlib.Path": lambda path: path,
    "async generator": lambda path: chunks_of(SAMPLE, [1, 2, 30, 31, 200]),
    "async iterable": lambda path: Chunks(SAMPLE),
}


@pytest.mark.parametrize("make", SOURCES.values(), ids=list(SOURCES))
async def test_every_documented_source_gives_the_same_callbacks(
    make: Callable[[Path], Any], tmp_path: Path
) -> None:
    """Bytes, bytearray, memoryview, a str path, a Path and async iterables replay alike."""
    path = tmp_path / "sample.sse"
    path.write_bytes(SAMPLE)
    recorder = Recorder()
    stream = replay(make(path), recorder)
    assert StreamState.NEW == stream.state
    async with stream:
        messages = await stream.get_final_messages()
    assert calls_of(await record(SAMPLE)) == calls_of(recorder)
    assert "Hello" == messages[0].content[0].text.value


@pytest.mark.parametrize(
    "source",
    [None, 42, 1.5, [SAMPLE], (SAMPLE,), iter([SAMPLE]), {"body": SAMPLE}, object()],
    ids=["None", "int", "float", "list", "tuple", "sync iterator", "dict", "object"],
)
def test_anything_else_is_a_type_error(source: Any) -> None:
    """A source of no accepted kind raises TypeError naming its type, before any reading."""
    with pytest.raises(TypeError, match=f"not {type(source).__name__}$"):
        replay(source)


async def test_a_str_is_always_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A str holding a whole body is opened as a file name, never decoded as the body."""
    monkeypatch.chdir(tmp_path)
    short_body = body().decode()  # "event: done\ndata: [DONE]\n\n": a valid file name
    stream = replay(short_body)  # nothing is opened yet
    with pytest.raises(FileNotFoundError, match=r"looks like a body: pass the body as bytes"):
        await stream.until_done()
    assert StreamState.FAILED == stream.state
    (tmp_path / short_body).write_bytes(SAMPLE)
    assert "completed" == (await replay(short_body).get_final_run()).run.status


async def test_a_missing_path_says_a_str_is_a_path(tmp_path: Path) -> None:
    """A path to no file fails naming it, and saying how a body is passed."""
    missing = tmp_path / "nothing.sse"
    with pytest.raises(FileNotFoundError, match=r"a str as a path, bytes as the body") as caught:
        await replay(str(missing)).until_done()
    assert str(missing) == caught.value.filename


@pytest.mark.parametrize(
    "source",
    [
        b'{\n  "object": "list",\n  "data": []\n}\n',
        b"<html><body>502 Bad Gateway</body></html>\n\n",
    ],
)
async def test_a_body_that_is_no_event_stream_says_so(source: bytes) -> None:
    """A replayed JSON or HTML file is named as not an event stream, with how it begins."""
    with pytest.raises(StreamInterrupted, match="not an event stream; it begins") as caught:
        await replay(source).until_done()
    assert source.decode()[:12] in str(caught.value).replace("\\n", "\n")


async def test_a_cut_event_stream_is_still_a_cut() -> None:
    """An event stream cut mid-event keeps the "middle of an event" reason."""
    with pytest.raises(StreamInterrupted, match="in the middle of an event"):
        await replay(b"event: thread.run.created\ndata: {").until_done()


# ---------------------------------------------------------------------------------------------
# The recordings, read without the package
# ---------------------------------------------------------------------------------------------


@functools.cache
def wire(path: Path) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    """A recording's bytes and its (event name, data) pairs (recordings are LF-only)."""
    data = path.read_bytes()
    pairs = []
    for block in data.split(b"\n\n"):
        fields = dict(line.split(b": ", 1) for line in block.split(b"\n") if line)
        if b"event" in fields:
            pairs.append((fields[b"event"].decode(), fields[b"data"].decode()))
    return data, tuple(pairs)


def last_run_status(pairs: tuple[tuple[str, str], ...]) -> str:
    """The status in the data of the last ``thread.run.*`` event that is not about a step."""
    runs = [data for name, data in pairs if name.startswith("thread.run.") and ".step." not in name]
    return str(orjson.loads(runs[-1])["status"])


def step_statuses(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each step's status in its last full event (every step object event but the delta)."""
    statuses = {}
    for name, data in pairs:
        if name.startswith("thread.run.step.") and name != "thread.run.step.delta":
            payload = orjson.loads(data)
            statuses[payload["id"]] = payload["status"]
    return statuses


def terminal_messages(pairs: tuple[tuple[str, str], ...]) -> tuple[Any, ...]:
    """The decoded data of every thread.message.completed / incomplete, in order."""
    ends = ("thread.message.completed", "thread.message.incomplete")
    return tuple(decode_event(name, data).data for name, data in pairs if name in ends)


def chunkings(length: int) -> st.SearchStrategy[list[int]]:
    """Cut points: arbitrary ones (one-byte chunks included) or a fixed small chunk size."""
    sizes = st.integers(1, 64).map(lambda size: list(range(size, length, size)))
    return st.one_of(cut_points(length, max_cuts=40), sizes)


def streamed_text(call: Any) -> str | None:
    """A tool call's (or tool-call delta's) function arguments or code interpreter input."""
    if call.type == "function":
        return None if call.function is None else call.function.arguments
    if call.type == "code_interpreter":
        return None if call.code_interpreter is None else call.code_interpreter.input
    return None


def text_per_block(recorder: RecorderBase) -> dict[tuple[str, int], str]:
    """The joined ``on_text_delta`` values per (message id, content index).

    Each delta is matched to its block through the ``on_event`` that precedes it: the
    text patches of a ``thread.message.delta`` are announced in order, before the next event.
    """
    pieces: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
    pending: list[tuple[str, int, Any]] = []
    for name, args in recorder.calls:
        if name == "on_event":
            assert [] == pending  # every text patch of the previous event was announced
            event = args[0]
            if type(event) is ThreadMessageDelta:
                pending = [
                    (event.data.id, patch.index, patch.text)
                    for patch in event.data.delta.content or ()
                    if type(patch) is TextDeltaBlock and patch.text is not None
                ]
        elif name == "on_text_delta":
            message_id, index, patch = pending.pop(0)
            assert patch == args[0]
            pieces[message_id, index].append(args[0].value or "")
    return {key: "".join(values) for key, values in pieces.items()}


def final_texts(recorder: RecorderBase) -> dict[tuple[str, int], str]:
    """The text of every text block of every ``on_message_done`` message."""
    return {
        (message.id, index): block.text.value
        for (message,) in recorder.args("on_message_done")
        for index, block in enumerate(message.content)
        if block.type == "text"
    }


def check_tool_calls(recorder: RecorderBase, steps: tuple[Any, ...]) -> None:
    """One created and one done per tool call of this stream's steps; done matches the rest."""
    streamed = {step.id for (step,) in recorder.args("on_run_step_created")}
    expected = Counter(
        call.id
        for step in steps
        if step.id in streamed and step.step_details.type == "tool_calls"
        for call in step.step_details.tool_calls
    )
    created = Counter(call.id for (call,) in recorder.args("on_tool_call_created"))
    done = {call.id: call for (call,) in recorder.args("on_tool_call_done")}
    assert expected == created
    assert expected == Counter(call.id for (call,) in recorder.args("on_tool_call_done"))
    in_done_steps = {
        call.id: call
        for (step,) in recorder.args("on_run_step_done")
        if step.id in streamed and step.step_details.type == "tool_calls"
        for call in step.step_details.tool_calls
    }
    for call_id, call in in_done_steps.items():
        assert streamed_text(call) == streamed_text(done[call_id])
    joined: defaultdict[str, str] = defaultdict(str)
    for delta, snapshot in recorder.args("on_tool_call_delta"):
        joined[snapshot.id] += streamed_text(delta) or ""
    for call_id, call in done.items():
        if streamed_text(call) is not None:
            assert streamed_text(call) == joined[call_id]


@requires_recordings
@RECORDINGS
@settings(max_examples=25, deadline=None)
@given(data=st.data())
async def test_recording_replays_consistently_however_cut(path: Path, data: st.DataObject) -> None:
    """Any chunking of a recording gives its text, tool calls, run, steps and messages."""
    raw, pairs = wire(path)
    cuts = data.draw(chunkings(len(raw)), label="cuts")
    recorder = Recorder()
    async with replay(chunks_of(raw, cuts), recorder) as stream:
        final = await stream.get_final_run()
        steps = await stream.get_final_run_steps()
        messages = await stream.get_final_messages()
    names = recorder.names()
    assert (1, "on_end") == (names.count("on_end"), names[-1])
    assert "on_exception" not in names
    assert final_texts(recorder) == text_per_block(recorder)
    check_tool_calls(recorder, steps)
    assert (last_run_status(pairs), True) == (final.run.status, final.ended)
    assert step_statuses(pairs) == {step.id: step.status for step in steps}
    assert terminal_messages(pairs) == messages

    fresh = Recorder()
    async with replay(chunks_of(raw, cuts), fresh) as stream:
        fragments = [fragment async for fragment in stream.text_deltas]
    assert "".join(final_texts(fresh).values()) == "".join(fragments)
    assert "" not in fragments


@requires_recordings
@RECORDINGS
@settings(max_examples=25, deadline=None)
@given(data=st.data())
async def test_two_chunkings_give_identical_callbacks(path: Path, data: st.DataObject) -> None:
    """The same recording cut two different ways calls the same callbacks with equal values."""
    raw, _ = wire(path)
    sequences = []
    for label in ("first", "second"):
        recorder = Recorder()
        async with replay(chunks_of(raw, data.draw(chunkings(len(raw)), label)), recorder) as s:
            await s.until_done()
        sequences.append(calls_of(recorder))
    assert sequences[0] == sequences[1]


@requires_recordings
@pytest.mark.parametrize(
    "path",
    [path for path in recordings() if wire(path)[1][0][0] == "thread.run.step.completed"],
    ids=lambda path: path.stem,
)
async def test_a_step_first_seen_completed_is_kept_and_not_announced_again(path: Path) -> None:
    """A submit-tool-outputs stream's opening step is a final step; its calls stay silent."""
    raw, pairs = wire(path)
    opening = decode_event(*pairs[0]).data
    recorder = Recorder()
    async with replay(raw, recorder) as stream:
        steps = await stream.get_final_run_steps()
    assert opening == next(step for step in steps if step.id == opening.id)
    assert "completed" == opening.status
    assert [(opening,)] == recorder.args("on_run_step_done")[:1]
    announced = recorder.args("on_tool_call_created") + recorder.args("on_tool_call_done")
    opening_calls = {call.id for call in opening.step_details.tool_calls}
    assert set() == {call.id for (call,) in announced} & opening_calls
