"""``FrameReader``: a body's chunks in, decoded frames out, a slice at a time; its watchdog.

The reader does no I/O: the stream awaits the body (one await per chunk, with no layer of
coroutines around it) and feeds the reader what came.

Rule 1 - bounded work ahead of delivery. A slow consumer gets large chunks (everything the
connection buffered); the reader decodes at most ``FEED_BYTES`` of one at a time (``feed``,
then ``backlog`` until it is used up), so the frames waiting to be delivered stay at a few
dozen kilobytes per stream instead of several times the chunk.

Rule 2 - ``feed`` and ``backlog`` return a sequence of frames (possibly empty: a chunk may
complete no event); ``feed`` returns ``None`` once the body has ended (the decoder is then
finished). An ``EventTooLargeError`` is raised only after the frames that
completed before the oversized event were returned, so nothing decoded is lost.

Rule 3 - the watchdog sees only the reader. ``Watchdog`` measures "no event for N seconds
while waiting for the server" from two fields, ``waiting`` and ``decoded``; it never sees
the stream, and it interrupts the body through ``Body.interrupt``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Final

from ._body import Body
from ._error_base import excerpt, mask
from .errors import APITimeoutError, EventTooLargeError
from .sse import Frame, SSEDecoder

__all__ = ["FEED_BYTES", "HEAD_BYTES", "FrameReader", "Watchdog"]

#: The most bytes decoded ahead of delivery (rule 1).
FEED_BYTES: Final = 16 * 1024
#: How much of the start of the body is kept, to show what came when it was not an event
#: stream.
HEAD_BYTES: Final = 256

_NOTHING: Final[Sequence[Frame]] = ()
#: How an event stream may begin (a comment, a field, a byte-order mark).
_SSE_STARTS: Final = (b":", b"event", b"data", b"id", b"retry", b"\xef\xbb\xbf")


class FrameReader:
    """Decodes a body's chunks into frames (rules 1 and 2), with no I/O of its own.

    The stream awaits the body and hands each chunk to ``feed``; before reading the next
    chunk it takes the rest of a large one from ``backlog``.

    Attributes:
        waiting: ``True`` while the stream awaits the body (set by the stream).
        decoded: how many frames were decoded so far.
        head: the first ``HEAD_BYTES`` of the body's first chunk.
    """

    __slots__ = (
        "_decoder",
        "_deferred",
        "_empty_read_ends",
        "_unfed",
        "_unfed_at",
        "backlogged",
        "decoded",
        "ended",
        "head",
        "waiting",
    )

    def __init__(self, decoder: SSEDecoder, *, empty_read_ends: bool) -> None:
        self._decoder = decoder
        self._empty_read_ends = empty_read_ends  # b"" is the end of the body (Body)
        self._unfed = b""  # a chunk larger than FEED_BYTES, decoded from _unfed_at on
        self._unfed_at = 0
        self._deferred: EventTooLargeError | None = None  # raised once its frames are out
        #: Whether ``backlog`` has frames or an error to give before the next chunk.
        self.backlogged = False
        #: Whether the body has ended (the decoder is then finished).
        self.ended = False
        self.waiting = False
        self.decoded = 0
        self.head = b""

    @property
    def pending_bytes(self) -> int:
        """Bytes received that belong to no complete event (see ``SSEDecoder``)."""
        return self._decoder.pending_bytes

    def backlog(self) -> Sequence[Frame]:
        """Frames from the rest of a large chunk (call it while ``backlogged``).

        Raises:
            EventTooLargeError: an event outgrew the decoder's limit, after the frames
                completed before it were returned (rule 2).
        """
        if self._unfed:
            start = self._unfed_at
            self._unfed_at = end = start + FEED_BYTES
            piece = self._unfed[start:end]
            if end >= len(self._unfed):
                self._unfed = b""
                self.backlogged = self._deferred is not None
            return self._decode(piece)
        self.backlogged = False
        if self._deferred is not None:
            raise self._deferred
        return _NOTHING

    def feed(self, chunk: bytes | None) -> Sequence[Frame] | None:
        """Decode the next chunk the body gave; ``None`` once the body has ended.

        Args:
            chunk: what the body's ``read()`` returned, or ``None`` for its
                ``StopAsyncIteration``. An empty chunk is the end when the body says so
                (``empty_read_ends``), else nothing.

        Raises:
            EventTooLargeError: as ``backlog``.
        """
        if not chunk:
            if chunk is None or self._empty_read_ends:
                self.ended = True
                self._decoder.finish()  # completes no event (the standard's rule)
                return None
            return _NOTHING
        if not self.head:
            self.head = chunk[:HEAD_BYTES]
        if len(chunk) > FEED_BYTES:
            self._unfed, self._unfed_at = chunk, 0
            self.backlogged = True
            return self.backlog()
        return self._decode(chunk)

    def close(self) -> None:
        """The stream let go of its body: nothing more is given, the backlog is dropped."""
        self._unfed, self._deferred = b"", None
        self.backlogged, self.ended = False, True

    def why_ended(self, secrets: Iterable[str]) -> str:
        """How the body ended without a run-ending event, for ``StreamInterrupted``.

        A body that decoded no event and does not begin like an event stream (a JSON or
        HTML file) is named as such, with its first characters, ``secrets`` masked.
        """
        head = self.head.lstrip()
        if self.decoded == 0 and head and not head.startswith(_SSE_STARTS):
            text = mask(self.head.decode("utf-8", "replace"), secrets)
            return f"the body is not an event stream; it begins {excerpt(text, 80)!r}"
        pending = self.pending_bytes
        if pending:
            return f"the body ended in the middle of an event ({pending} bytes undecoded)"
        return "the body ended"

    def _decode(self, chunk: bytes) -> Sequence[Frame]:
        """Decode one piece; an oversized event is kept for ``backlog`` to raise (rule 2)."""
        try:
            frames: Sequence[Frame] = self._decoder.feed_frames(chunk)
        except EventTooLargeError as exc:
            self._unfed, self._deferred, self.backlogged = b"", exc, True
            frames = exc.frames or _NOTHING
        self.decoded += len(frames)
        return frames


class Watchdog:
    """Interrupts the body's read after ``seconds`` with no event while the reader waits.

    It ticks every quarter of ``seconds`` instead of resetting a timer per event, so the
    event loop pays nothing per event: a tick sees progress when a frame was decoded since
    the last tick or the reader was not waiting on the server (time in callbacks does not
    count). So it fires between ``seconds`` and ``1.25 * seconds`` after the last event.
    """

    def __init__(self, reader: FrameReader, body: Body, seconds: float) -> None:
        self._loop = loop = asyncio.get_running_loop()
        self._reader = reader
        self._body = body
        self._seconds = seconds
        self._interval = seconds / 4
        self._seen = reader.decoded
        self._quiet_since = loop.time()
        self._handle = loop.call_later(self._interval, self._tick)

    def _tick(self) -> None:
        reader, now = self._reader, self._loop.time()
        if reader.decoded != self._seen or not reader.waiting:
            self._seen, self._quiet_since = reader.decoded, now
        elif now - self._quiet_since >= self._seconds:
            body = self._body
            body.interrupt(APITimeoutError("event_idle", self._seconds, request=body.request))
            return
        self._handle = self._loop.call_later(self._interval, self._tick)

    def cancel(self) -> None:
        """Stop ticking."""
        self._handle.cancel()
