"""Tests for assistant_stream._reader: chunks in, frames out, a slice at a time, no I/O.

``FrameReader`` decodes each chunk the stream hands it, at most ``FEED_BYTES`` at a time,
keeps the rest as a backlog, defers an ``EventTooLargeError`` until the frames before it
are out, and says how a body that never became an event stream began. The ``Watchdog``
sees only the reader's ``waiting`` and ``decoded``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from builders import body, message_delta, run, sse, text_patch

from assistant_stream import EventTooLargeError
from assistant_stream._reader import FEED_BYTES, HEAD_BYTES, FrameReader, Watchdog
from assistant_stream.sse import SSEDecoder

DELTAS = body(
    *(("thread.message.delta", message_delta("msg_1", text_patch(0, f"w{i} "))) for i in range(800))
)


def reader(**decoder: Any) -> FrameReader:
    return FrameReader(SSEDecoder(**decoder), empty_read_ends=True)


def drain(frames_reader: FrameReader, chunk: bytes) -> list[list[Any]]:
    """Feed one chunk, then take the backlog until it is used up: each call's frames."""
    calls = [list(frames_reader.feed(chunk) or ())]
    while frames_reader.backlogged:
        calls.append(list(frames_reader.backlog()))
    return calls


def test_a_large_chunk_is_decoded_a_slice_at_a_time() -> None:
    """A chunk of many events comes out in FEED_BYTES slices, and all of it comes out."""
    assert len(DELTAS) > 7 * FEED_BYTES
    calls = drain(reader(), DELTAS)
    whole = SSEDecoder().feed_frames(DELTAS)
    assert whole == [frame for call in calls for frame in call]
    assert len(calls) == -(-len(DELTAS) // FEED_BYTES)
    assert max(sum(len(frame[1]) for frame in call) for call in calls) <= FEED_BYTES


def test_a_small_chunk_leaves_no_backlog() -> None:
    """A chunk under FEED_BYTES is decoded at once."""
    frames_reader = reader()
    assert 1 == len(frames_reader.feed(sse("done", "[DONE]")) or ())
    assert not frames_reader.backlogged


def test_the_end_of_the_body() -> None:
    """None or b"" (for a body whose read() ends so) ends it; b"" otherwise is nothing."""
    ends = reader()
    assert [None, True] == [ends.feed(b""), ends.ended]
    iterable = FrameReader(SSEDecoder(), empty_read_ends=False)
    assert [(), False, None, True] == [
        iterable.feed(b""),
        iterable.ended,
        iterable.feed(None),
        iterable.ended,
    ]


def test_event_too_large_comes_after_the_frames_before_it() -> None:
    """The frames completed before an oversized event are returned; the error follows."""
    small = sse("thread.run.created", run("queued"))
    frames_reader = reader(max_event_bytes=1000)
    frames = frames_reader.feed(small + b"data: " + b"x" * 5000 + b"\n")
    assert [("thread.run.created", 1)] == [(frame[0], len(frames or ())) for frame in frames or ()]
    assert frames_reader.backlogged
    with pytest.raises(EventTooLargeError):
        frames_reader.backlog()


def test_decoded_counts_frames_and_head_keeps_the_start() -> None:
    """Decoded counts every frame; head is the first HEAD_BYTES of the first chunk."""
    frames_reader = reader()
    drain(frames_reader, DELTAS)
    assert DELTAS.count(b"\n\n") == frames_reader.decoded
    assert DELTAS[:HEAD_BYTES] == frames_reader.head


@pytest.mark.parametrize(
    ("chunk", "reason"),
    [
        (b'{"error": {"message": "key sk-1 is wrong"}}', "not an event stream; it begins"),
        (b"event: thread.run.created\ndata: {", "in the middle of an event (33 bytes"),
        (b": keep-alive\n\n", "the body ended"),
        (b"", "the body ended"),
    ],
)
def test_why_the_body_ended(chunk: bytes, reason: str) -> None:
    """The reason names a body that is no event stream, a cut event, or a plain end."""
    frames_reader = reader()
    frames_reader.feed(chunk)
    frames_reader.feed(b"")
    assert reason in frames_reader.why_ended(["sk-1"])
    assert "sk-1" not in frames_reader.why_ended(["sk-1"])


class Interrupted:
    """A body whose interrupt() records what it was given."""

    request = "POST http://127.0.0.1/v1/threads/runs"

    def __init__(self) -> None:
        self.given: list[BaseException] = []

    def interrupt(self, exc: BaseException) -> None:
        self.given.append(exc)


async def test_watchdog_fires_only_while_waiting_without_frames() -> None:
    """No frame for longer than its limit while waiting: the body is interrupted once."""
    frames_reader, quiet = reader(), Interrupted()
    watchdog = Watchdog(frames_reader, quiet, 0.08)  # type: ignore[arg-type]
    await asyncio.sleep(0.15)  # not waiting: delivering, or in a callback
    assert [] == quiet.given
    frames_reader.waiting = True
    await asyncio.sleep(0.15)
    watchdog.cancel()
    assert ["event_idle"] == [getattr(exc, "kind", None) for exc in quiet.given]


async def test_watchdog_sees_frames_as_progress() -> None:
    """While frames keep being decoded, waiting does not count as idle."""
    frames_reader, busy = reader(), Interrupted()
    frames_reader.waiting = True
    watchdog = Watchdog(frames_reader, busy, 0.08)  # type: ignore[arg-type]
    for _ in range(8):
        await asyncio.sleep(0.03)
        frames_reader.feed(sse("done", "[DONE]"))
    watchdog.cancel()
    assert [] == busy.given
