"""Tests for assistant_stream.stream: delivery order, state, endings, failures and clean-up."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest
from builders import (
    RUN,
    THREAD,
    Recorder,
    RecorderBase,
    body,
    events,
    message,
    message_delta,
    run,
    sse,
    step,
    text,
    text_patch,
)

from assistant_stream import (
    AssistantStream,
    DoneEvent,
    EventHandler,
    EventTooLargeError,
    FinalRun,
    MalformedEventError,
    StreamInterrupted,
    StreamState,
    replay,
)
from assistant_stream._reader import FEED_BYTES, HEAD_BYTES
from assistant_stream.errors import RunStreamError
from assistant_stream.types.message import Message
from assistant_stream.types.shared import ErrorObject

FRAMES = (
    ("thread.run.created", run("queued")),
    ("thread.run.in_progress", run("in_progress")),
    ("thread.run.step.created", step("step_1", tool_calls=None)),
    ("thread.message.created", message("msg_1")),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "Hel", []))),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "lo"))),
    ("thread.message.completed", message("msg_1", "completed", [text("Hello")])),
    ("thread.run.step.completed", step("step_1", "completed", tool_calls=None)),
    ("thread.run.completed", run("completed")),
)
FULL = body(*FRAMES)
CUT = body(*FRAMES[:6], done=False)  # the run is in progress and "Hello" has streamed
MALFORMED = body(*FRAMES[:5], ("thread.message.delta", "{not json"), *FRAMES[5:])
FRAGMENT = b'event: thread.message.delta\ndata: {"id": "msg_1"'
EXTRA = sse("thread.run.created", run("queued", "run_2"))


def text_of(message: Message | None) -> str | None:
    """The text of a message's text blocks, joined (``None`` for no message)."""
    if message is None:
        return None
    return "".join(block.text.value or "" for block in message.content if block.type == "text")


async def tracked(chunks: list[bytes], log: list[Any]) -> AsyncIterator[bytes]:
    """Yield ``chunks``, noting each read and the close in ``log`` as pseudo-callbacks."""
    try:
        for chunk in chunks:
            log.append(("source read", ()))
            yield chunk
    finally:
        log.append(("source closed", ()))


async def read_into(stream: AssistantStream, names: list[str]) -> None:
    """Iterate ``stream`` inside ``async with``, noting each event's name as it comes out."""
    async with stream:
        while (event := await anext(stream, None)) is not None:
            names.append(event.event)


def raising(where: str) -> RecorderBase:
    """A recorder whose ``where`` callback raises ``RuntimeError(where)`` instead."""

    async def fail(self: RecorderBase, *args: Any) -> None:
        raise RuntimeError(where)

    return type("Raising", (Recorder,), {where: fail})()


class Watcher(EventHandler):
    """Notes ``now(stream)`` from inside plain ``def`` callbacks."""

    def __init__(self) -> None:
        self.stream: Any = None
        self.seen: list[tuple[Any, ...]] = []

    def _see(self, *args: Any) -> None:
        self.seen.append(now(self.stream))

    on_connect = on_text_delta = on_end = _see


def now(stream: AssistantStream) -> tuple[Any, ...]:
    """The current event's name, state, run status, message text and step status."""
    return (
        getattr(stream.current_event, "event", None),
        stream.state.name,
        getattr(stream.current_run, "status", None),
        text_of(stream.current_message_snapshot),
        getattr(stream.current_run_step_snapshot, "status", None),
    )


async def test_async_for_yields_each_event_after_its_callbacks() -> None:
    """Each event comes out of ``async for`` only after on_event and all its callbacks ran."""
    recorder = Recorder()
    delivered = []
    async with replay(FULL, recorder) as stream:
        assert ["on_connect"] == recorder.names()
        async for event in stream:
            at = max(i for i, (name, _) in enumerate(recorder.calls) if name == "on_event")
            assert event is recorder.calls[at][1][0]
            delivered.append((event.event, [name for name, _ in recorder.calls[at + 1 :]]))
    assert [
        ("thread.run.created", ["on_run_created"]),
        ("thread.run.in_progress", ["on_run_in_progress"]),
        ("thread.run.step.created", ["on_run_step_created"]),
        ("thread.message.created", ["on_message_created"]),
        ("thread.message.delta", ["on_text_created", "on_text_delta", "on_message_delta"]),
        ("thread.message.delta", ["on_text_delta", "on_message_delta"]),
        ("thread.message.completed", ["on_text_done", "on_message_done"]),
        ("thread.run.step.completed", ["on_run_step_done"]),
        ("thread.run.completed", ["on_run_completed"]),
        ("done", ["on_done", "on_end"]),  # done ends the stream before it is yielded
    ] == delivered


async def test_current_properties_and_state_during_and_after_a_stream() -> None:
    """State goes NEW, STREAMING, FINISHED; the current_* properties follow events, then stay."""
    watcher = Watcher()
    stream = watcher.stream = replay(FULL, watcher)
    assert (None, "NEW", None, None, None) == now(stream)
    seen = []
    async with stream:
        async for event in stream:
            assert event is stream.current_event
            seen.append(now(stream))
    assert [
        ("thread.run.created", "STREAMING", "queued", None, None),
        ("thread.run.in_progress", "STREAMING", "in_progress", None, None),
        ("thread.run.step.created", "STREAMING", "in_progress", None, "in_progress"),
        ("thread.message.created", "STREAMING", "in_progress", "", "in_progress"),
        ("thread.message.delta", "STREAMING", "in_progress", "Hel", "in_progress"),
        ("thread.message.delta", "STREAMING", "in_progress", "Hello", "in_progress"),
        ("thread.message.completed", "STREAMING", "in_progress", "Hello", "in_progress"),
        ("thread.run.step.completed", "STREAMING", "in_progress", "Hello", "completed"),
        ("thread.run.completed", "STREAMING", "completed", "Hello", "completed"),
        ("done", "FINISHED", "completed", "Hello", "completed"),  # done settles the stream
    ] == seen
    assert [(None, "STREAMING", None, None, None), *seen[4:6], seen[-1]] == watcher.seen
    assert (DoneEvent(), seen[-1]) == (stream.current_event, now(stream))
    assert (RUN, "msg_1", "step_1") == (
        stream.current_run.id,
        stream.current_message_snapshot.id,
        stream.current_run_step_snapshot.id,
    )


ENDINGS = ["requires_action", "completed", "incomplete", "failed", "cancelled", "expired"]


@pytest.mark.parametrize("name", [f"thread.run.{status}" for status in ENDINGS])
async def test_a_run_ending_event_without_done_finishes(name: str) -> None:
    """A body that stops after a run-ending event, with no done frame, ends normally."""
    recorder = Recorder()
    status = name.rsplit(".", 1)[1]
    stream = replay(CUT + sse(name, run(status)), recorder)
    final = await stream.get_final_run()
    assert (status, True, name) == (final.run.status, final.ended, final.event)
    if status == "requires_action":  # the run waits for tool outputs: paused until closed
        assert StreamState.PAUSED == stream.state
        assert "on_end" not in recorder.names()
        await stream.aclose()
    assert StreamState.PAUSED != stream.state
    assert ["on_end"] == [n for n in recorder.names() if n in ("on_end", "on_exception")]


@pytest.mark.parametrize(
    ("data", "undecoded"),
    [
        (CUT, None),
        (CUT + sse("thread.run.cancelling", run("cancelling")), None),
        (CUT + FRAGMENT, len(FRAGMENT)),
    ],
    ids=["after a delta", "after cancelling", "mid-event"],
)
async def test_a_body_cut_short_raises_stream_interrupted(
    data: bytes, undecoded: int | None
) -> None:
    """No done and no run-ending event: StreamInterrupted with ids, last event and the text."""
    recorder = Recorder()
    stream = replay(data, recorder)
    with pytest.raises(StreamInterrupted) as info:
        await stream.until_done()
    error = info.value
    assert (THREAD, RUN) == (error.thread_id, error.run_id)
    assert ["Hello"] == [text_of(item) for item in error.partial.messages]
    assert f"after {error.last_event.event!r} (thread {THREAD}, run {RUN})" in str(error)
    if undecoded is None:
        assert "undecoded" not in str(error)
    else:
        assert f"in the middle of an event ({undecoded} bytes undecoded)" in str(error)
    assert [(error,)] == recorder.args("on_exception")
    assert ["on_exception", "on_end"] == recorder.names()[-2:]


@pytest.mark.parametrize("chunks", [[FULL + EXTRA], [FULL, EXTRA]], ids=["same", "next chunk"])
async def test_events_after_done_are_not_delivered(chunks: list[bytes]) -> None:
    """Whatever follows done, in its chunk or later ones, is neither delivered nor read."""
    recorder = Recorder()
    async with replay(tracked(chunks, recorder.calls), recorder) as stream:
        delivered = [event async for event in stream]
    assert DoneEvent() == delivered[-1]
    assert [RUN] == [created.id for (created,) in recorder.args("on_run_created")]
    assert 1 == recorder.names().count("source read")
    assert ["on_done", "source closed", "on_end"] == recorder.names()[-3:]


async def test_a_malformed_event_raises_with_what_came_before() -> None:
    """Bad JSON in a delta raises MalformedEventError carrying the text so far; on_exception."""
    recorder = Recorder()
    stream = replay(MALFORMED, recorder)
    with pytest.raises(MalformedEventError) as info:
        await stream.until_done()
    error = info.value
    assert "thread.message.delta" == error.event
    assert ["Hel"] == [text_of(item) for item in error.partial.messages]
    assert "Hel" == error.partial.last_event.data.delta.content[0].text.value
    assert [(error,)] == recorder.args("on_exception")
    assert ["on_message_delta", "on_exception", "on_end"] == recorder.names()[-3:]


@pytest.mark.parametrize("cut", [0, 30], ids=["big line complete", "big line partial"])
async def test_events_before_an_oversized_one_are_delivered_first(cut: int) -> None:
    """Complete events in the chunk that overflows come out, then EventTooLargeError."""
    before = body(*FRAMES[:2], done=False)
    big = sse("thread.message.delta", message_delta("msg_1", text_patch(0, "x" * 500)))
    recorder = Recorder()
    stream = replay(before + big[: len(big) - cut], recorder, max_event_bytes=300)  # one chunk
    delivered: list[str] = []
    with pytest.raises(EventTooLargeError) as info:
        await read_into(stream, delivered)
    assert ["thread.run.created", "thread.run.in_progress"] == delivered
    assert 300 == info.value.limit
    assert "thread.run.in_progress" == info.value.partial.last_event.event
    assert ["on_run_in_progress", "on_exception", "on_end"] == recorder.names()[-3:]


@pytest.mark.parametrize(
    ("data", "raises_in", "error_class"),
    [
        (MALFORMED, None, MalformedEventError),
        (CUT, None, StreamInterrupted),
        (FULL, "on_text_delta", RuntimeError),
    ],
    ids=["malformed", "interrupted", "callback"],
)
async def test_after_a_failure_every_wait_raises_the_same_error(
    data: bytes, raises_in: str | None, error_class: type[Exception]
) -> None:
    """The failure is raised again by every later wait; on_exception and on_end ran once."""
    recorder = raising(raises_in) if raises_in else Recorder()
    stream = replay(data, recorder)
    with pytest.raises(error_class) as first:
        await stream.until_done()
    for wait in (stream.until_done, stream.get_final_messages, stream.get_final_run_steps):
        with pytest.raises(error_class) as again:
            await wait()
        assert first.value is again.value
    with pytest.raises(error_class) as iterated:
        await anext(stream)
    assert first.value is iterated.value
    assert StreamState.FAILED == stream.state
    assert [(first.value,)] == recorder.args("on_exception")
    assert 1 == recorder.names().count("on_end")


async def outcome(stream: AssistantStream) -> Exception | None:
    """What ``until_done()`` does: the exception it raises, or ``None``."""
    try:
        await stream.until_done()
    except Exception as exc:
        return exc
    return None


@pytest.mark.parametrize(
    ("where", "data"),
    [("on_exception", CUT), ("on_end", CUT), ("on_end", FULL)],
    ids=["on_exception of a failure", "on_end of a failure", "on_end of a success"],
)
async def test_a_raising_lifecycle_callback_still_gives_one_outcome(
    where: str, data: bytes
) -> None:
    """If on_exception or on_end raises, later waits report the same outcome as the first."""
    stream = replay(data, raising(where))
    first = await outcome(stream)
    assert first is await outcome(stream)


async def test_aclose_is_idempotent_and_runs_on_end_once() -> None:
    """Closing twice (and leaving async with) closes the source and runs on_end once."""
    recorder = Recorder()
    async with replay(tracked([FULL], recorder.calls), recorder) as stream:
        await anext(stream)
        await stream.aclose()
        await stream.aclose()
        assert StreamState.CLOSED == stream.state
        assert [] == [event async for event in stream]
    assert ["source closed", "on_end"] == recorder.names()[-2:]
    assert 1 == recorder.names().count("on_end")


@pytest.mark.parametrize("leave", ["break", "raise"])
async def test_leaving_async_with_early_closes_the_source(leave: str) -> None:
    """A break or an exception in the body closes the source, then runs on_end."""
    recorder = Recorder()
    with pytest.raises(KeyError) if leave == "raise" else contextlib.nullcontext():
        async with replay(tracked([FULL], recorder.calls), recorder) as stream:
            async for _ in stream:
                if leave == "raise":
                    raise KeyError("caller")
                break
    assert StreamState.CLOSED == stream.state
    assert ["on_run_created", "source closed", "on_end"] == recorder.names()[-3:]
    assert "on_exception" not in recorder.names()


async def test_a_started_stream_dropped_unclosed_warns() -> None:
    """A stream read from and then dropped without closing emits ResourceWarning."""
    watcher = Watcher()
    watcher.stream = replay(FULL, watcher)  # a cycle: only the collector frees the stream
    await anext(watcher.stream)
    del watcher
    with pytest.warns(ResourceWarning, match="never closed"):
        gc.collect()
    await asyncio.sleep(0)  # let the loop finalise the source's async generator


@pytest.mark.parametrize("outcome", ["never started", "finished", "closed", "failed"])
async def test_a_stream_that_is_not_streaming_does_not_warn(outcome: str) -> None:
    """Only a started, unclosed stream warns when collected."""
    stream = replay(MALFORMED if outcome == "failed" else FULL)
    if outcome == "finished":
        await stream.until_done()
    elif outcome == "closed":
        await anext(stream)
        await stream.aclose()
    elif outcome == "failed":
        with pytest.raises(MalformedEventError):
            await stream.until_done()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del stream
        gc.collect()
    assert [] == [item for item in caught if issubclass(item.category, ResourceWarning)]


_ERROR = ("error", {"error": {"message": "boom", "type": "server_error", "code": "E1"}})
_BOOM = ErrorObject(message="boom", type="server_error", code="E1")


class _HandlesErrors(Recorder):  # type: ignore[misc,valid-type]
    async def on_error(self, error: ErrorObject) -> bool:
        await super().on_error(error)
        return True


@pytest.mark.parametrize("with_run", [True, False], ids=["run then error", "error only"])
@pytest.mark.parametrize("with_done", [True, False], ids=["done", "no done"])
async def test_an_unhandled_error_event_raises_run_stream_error(
    with_run: bool, with_done: bool
) -> None:
    """After on_error, the stream ends in RunStreamError carrying the error and the partial."""
    runs = [("thread.run.created", run("queued"))] if with_run else []
    recorder = Recorder()
    data = body(*runs, _ERROR, done=with_done)
    stream = replay(data, recorder)
    with pytest.raises(RunStreamError) as info:
        await stream.get_final_run()
    error = info.value
    details = (error.error, error.message, error.type, error.code)
    assert (_BOOM, "boom", "server_error", "E1") == details
    assert error.partial is not None
    assert ("done" if with_done else "error") == error.partial.last_event.event
    assert (RUN if with_run else None) == error.partial.run_id
    assert [(_BOOM,)] == recorder.args("on_error")
    assert [(error,)] == recorder.args("on_exception")
    assert "on_end" == recorder.names()[-1]
    assert StreamState.FAILED == stream.state
    with pytest.raises(RunStreamError):
        await stream.until_done()


@pytest.mark.parametrize("with_run", [True, False], ids=["run then error", "error only"])
@pytest.mark.parametrize("with_done", [True, False], ids=["done", "no done"])
async def test_an_error_event_the_handler_handled_finishes_the_stream(
    with_run: bool, with_done: bool
) -> None:
    """on_error returning True: the stream finishes; FinalRun.ended is False; no interruption."""
    runs = [("thread.run.created", run("queued"))] if with_run else []
    recorder = _HandlesErrors()
    data = body(*runs, _ERROR, done=with_done)
    stream = replay(data, [Recorder(), recorder])
    final = await stream.get_final_run()
    expected_run = events(*runs)[0].data if with_run else None
    assert FinalRun(expected_run, False, runs[0][0] if with_run else None) == final
    assert [(_BOOM,)] == recorder.args("on_error")
    assert [] == recorder.args("on_exception")
    assert StreamState.FINISHED == stream.state


async def test_text_deltas_yields_the_fragments_in_order() -> None:
    """text_deltas yields every non-empty text fragment of every message, in stream order."""
    citation = {"index": 0, "type": "file_citation", "text": "[1]", "file_citation": {}}
    data = body(
        ("thread.message.created", message("msg_1")),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, "Hel", []))),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, ""))),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, None, [citation]))),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, "lo"), text_patch(1, "!"))),
        ("thread.message.created", message("msg_2")),
        ("thread.message.delta", message_delta("msg_2", text_patch(0, " world"))),
        ("thread.run.completed", run("completed")),
    )
    async with replay(data) as stream:
        fragments = [fragment async for fragment in stream.text_deltas]
    assert ["Hel", "lo", "!", " world"] == fragments


async def test_invalid_utf8_in_a_fragment_arrives_as_replacement_character() -> None:
    """Bytes that are not UTF-8 become U+FFFD in the delta and the snapshot; nothing raises."""
    valid = body(
        ("thread.message.created", message("msg_1")),
        ("thread.message.delta", message_delta("msg_1", text_patch(0, "a~b", []))),
        ("thread.run.completed", run("completed")),
    )
    recorder = Recorder()
    async with replay(valid.replace(b"a~b", b"a\xffb"), recorder) as stream:
        messages = await stream.get_final_messages()
    [(delta, snapshot)] = recorder.args("on_text_delta")
    assert ("a\ufffdb", "a\ufffdb") == (delta.value, snapshot.value)
    assert "a\ufffdb" == text_of(messages[0])


@pytest.mark.parametrize(
    "handler",
    [object(), EventHandler, "handler", [Recorder(), object()], (None,)],
    ids=["object", "the class", "str", "list with an object", "tuple with None"],
)
def test_a_handler_that_is_not_an_event_handler_is_refused(handler: Any) -> None:
    """Anything but an EventHandler instance, or an iterable of only those, is a TypeError."""
    with pytest.raises(TypeError):
        AssistantStream(tracked([FULL], []), handler)


async def test_a_large_chunk_is_decoded_a_slice_at_a_time() -> None:
    """One chunk of many events gives the same callbacks as small chunks, decoding ahead less."""
    deltas = [
        ("thread.message.delta", message_delta("msg_1", text_patch(0, f"w{i} ")))
        for i in range(3000)
    ]
    created = ("thread.message.created", message("msg_1"))
    data = body(created, *deltas, ("thread.run.completed", run("completed")))
    assert len(data) > 10 * FEED_BYTES

    async def chunks(size: int) -> AsyncIterator[bytes]:
        for start in range(0, len(data), size):
            yield data[start : start + size]

    small = Recorder()
    async with replay(chunks(100), small) as stream:
        await stream.until_done()
    whole = Recorder()
    async with replay(chunks(len(data)), whole) as stream:
        ahead = [len(stream._frames) - stream._position async for _ in stream]
    assert small.calls == whole.calls
    assert max(ahead) < 500  # about FEED_BYTES of events, not all 3,000 at once


async def test_nothing_delivered_is_held_while_waiting() -> None:
    """While a stream waits for the next chunk, it holds no reference to the last one."""
    events = [
        ("thread.message.delta", message_delta("msg_1", text_patch(0, f"w{i} "))) for i in range(40)
    ]
    chunk = body(("thread.message.created", message("msg_1")), *events, done=False)
    assert HEAD_BYTES < len(chunk) < FEED_BYTES  # not kept as the head, nor as a backlog
    gate = asyncio.Event()

    async def source() -> AsyncIterator[bytes]:
        yield chunk
        await asyncio.wait_for(gate.wait(), 10)
        yield body(("thread.run.completed", run("completed")))

    before = sys.getrefcount(chunk)
    async with replay(source()) as stream:
        reading = asyncio.create_task(stream.until_done())
        await asyncio.sleep(0.02)  # the chunk is delivered; the stream waits for the next
        during = sys.getrefcount(chunk)
        gate.set()
        await reading
    assert before == during
