"""A sans-I/O decoder for ``text/event-stream`` bodies, exact to the WHATWG rules.

Bytes go in with ``SSEDecoder.feed()``, complete events come out; ``finish()`` marks the end
of the body. Nothing here does I/O, so the same decoder serves the HTTP client, replays of
recorded bodies, and tests that split input at every byte.

The rules kept (WHATWG HTML, "Parsing an event stream" and "Interpreting an event stream"):

Rule 1 - lines. A line ends at CRLF, a lone LF or a lone CR, wherever the chunk boundaries
fall. Lines are split on bytes and each complete value is decoded as UTF-8 afterwards; since
0x0A and 0x0D never occur inside a multi-byte sequence, a character split across chunks is
always reassembled, and invalid bytes become U+FFFD instead of raising. Nothing else splits
a line: U+2028, U+0085 and form feed are data. One byte-order mark is dropped at the very
start of the body, even when it arrives split across chunks.

Rule 2 - fields. A line starting with ``:`` is a comment. Otherwise the field name runs to
the first colon (a line without one is a name with an empty value) and one leading space is
removed from the value. ``data`` lines are joined with LF; ``event`` sets the type; ``id``
sets the last event ID buffer unless it contains NUL, and it persists across events; ``retry``
is taken only when it is all ASCII digits. Other names are ignored; names are case-sensitive.

Rule 3 - dispatch. A blank line ends an event. Every blank line first commits the last
event ID buffer to ``last_event_id``; the event is dispatched only if at least one ``data``
line was seen, so blank lines after an ``id`` or a keep-alive comment never produce empty
events. It is emitted by the ``feed()`` call that delivered its blank line, never one
chunk late.

Rule 4 - two forms of the same events. ``feed()`` returns ``ServerSentEvent`` objects.
``feed_frames()`` returns each event as a ``Frame`` tuple whose data is still UTF-8 bytes, so
that a JSON parser can read it without a decoded copy and no object is built per event; it is
what ``AssistantStream`` uses. Both follow every rule here; a frame's data decoded with
``"replace"`` is exactly the event's ``data``.

Rule 5 - end of input. An event without its final blank line is discarded, as the standard
says. ``finish()`` leaves ``pending_bytes`` non-zero in that case, so a caller can tell a
body that ended at an event boundary from one that was cut in the middle of an event.

Cost is linear in the input: partial lines are kept as a list of pieces and joined once, so
one 8 MiB line fed in small pieces, or one event of 40,000 lines, decodes in milliseconds.
"""

from __future__ import annotations

import enum
import sys

import attrs

from ._frozen import fast_constructor
from .errors import EventTooLargeError, InvalidStateError

__all__ = [
    "DEFAULT_MAX_EVENT_BYTES",
    "Frame",
    "MAX_CACHED_TYPES",
    "MAX_RETRY_MS",
    "ServerSentEvent",
    "SSEDecoder",
]

#: Default for ``SSEDecoder(max_event_bytes=...)``: 64 MiB. The largest legitimate
#: Assistants frames (a completed message, a step with file-search contents, a run with
#: long instructions) are hundreds of KiB; the limit is far above that, yet it stops a
#: runaway or hostile server from growing one event until the process runs out of memory.
DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024

#: ``retry`` values above one day (in milliseconds) are clamped to it. The standard sets
#: no maximum, but a reconnection delay of years is never meant, and a value thousands of
#: digits long would otherwise cost a slow integer conversion.
MAX_RETRY_MS = 24 * 60 * 60 * 1000

_BOM = b"\xef\xbb\xbf"
_CR = 0x0D
_LF = 0x0A
_COLON = 0x3A


@attrs.frozen
class ServerSentEvent:
    """One dispatched event.

    Attributes:
        event: the event type; ``"message"`` when the event had no ``event`` field.
        data: the ``data`` lines joined with LF.
        id: the last event id at dispatch time (it persists across events), ``""`` if none.
        retry: the reconnection time in milliseconds set by this event's own ``retry``
            field, or ``None``. The stream-wide value is ``SSEDecoder.retry``.
    """

    event: str = "message"
    data: str = ""
    id: str = ""
    retry: int | None = None


_server_sent_event = fast_constructor(ServerSentEvent)  # event, data, id, retry

#: One event as ``SSEDecoder.feed_frames()`` returns it: its type, its data lines joined with
#: LF as UTF-8 bytes (not yet decoded), the last event id, and its own ``retry`` (Rule 4).
Frame = tuple[str, bytes, str, int | None]

#: The most distinct ``event:`` lines a decoder remembers the decoded type of. A stream uses
#: a few dozen names; the bound keeps a server that invents names from growing the cache.
MAX_CACHED_TYPES = 256


def _event(frame: Frame) -> ServerSentEvent:
    event, data, last_id, retry = frame
    return _server_sent_event(event, data.decode("utf-8", "replace"), last_id, retry)


class _State(enum.Enum):
    OPEN = "open"  # accepting bytes
    FINISHED = "finished"  # finish() was called: the body ended
    FAILED = "failed"  # feed() raised; the decoder is poisoned


_OPEN = _State.OPEN


class SSEDecoder:
    """Turns the bytes of an event-stream body into ``ServerSentEvent`` objects.

    Feed every chunk, in order, as it arrives; call ``finish()`` once at the end of the
    body. Chunk boundaries may fall anywhere: inside a line, a CRLF pair or a UTF-8
    character. The decoder is the only mutable owner of its buffers; it is not thread-safe.

    Args:
        max_event_bytes: the most bytes one event may occupy, counting its field lines
            (``data``, ``event``, ``id``, ...) and any partial line. ``None`` removes the
            limit. Comments do not count.

    Attributes:
        last_event_id: the id committed by the latest blank line, ``""`` if none (the
            standard's "last event ID string"; it survives dispatch). An ``id`` field of an
            event cut off by the end of the body is never committed.
        retry: the reconnection time in milliseconds from the latest valid ``retry``
            field, or ``None``.
    """

    __slots__ = (
        "_block_size",
        "_data",
        "_event_retry",
        "_event_type",
        "_head",
        "_id_buffer",
        "_limit",
        "_max_event_bytes",
        "_skip_lf",
        "_state",
        "_tail",
        "_tail_size",
        "_types",
        "last_event_id",
        "retry",
    )

    def __init__(self, *, max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES) -> None:
        if max_event_bytes is not None and max_event_bytes < 1:
            raise ValueError(f"max_event_bytes must be positive or None, not {max_event_bytes}")
        self._max_event_bytes = max_event_bytes
        self._limit = sys.maxsize if max_event_bytes is None else max_event_bytes
        self._state = _State.OPEN
        # The first bytes of the body, held until we know whether they are a BOM.
        # ``None`` once the start of the body has been settled.
        self._head: bytes | None = b""
        # Pieces of the line still waiting for its terminator, and their total size.
        self._tail: list[bytes] = []
        self._tail_size = 0
        # The previous chunk ended in CR: an LF at the start of the next one ends nothing.
        self._skip_lf = False
        # The event being assembled: its data lines, type, own retry and size in bytes.
        self._data: list[bytes] = []
        self._event_type = ""
        self._event_retry: int | None = None
        self._block_size = 0
        # Whole ``event:`` lines seen, and the type each one sets (MAX_CACHED_TYPES).
        self._types: dict[bytes, str] = {}
        # The standard's "last event ID buffer": set by ``id``, committed at a blank line.
        self._id_buffer = ""
        self.last_event_id = ""
        self.retry: int | None = None

    @property
    def pending_bytes(self) -> int:
        """Bytes received that do not belong to a dispatched event or a comment.

        Zero means the input so far ended exactly at an event boundary. After
        ``finish()`` it tells how many bytes the end of the body cut off (and discarded).
        """
        head = len(self._head) if self._head else 0
        return head + self._block_size + self._tail_size

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode one chunk of the body and return the events it completed.

        Args:
            chunk: the next bytes of the body, of any size (an empty chunk is allowed).

        Returns:
            The events whose terminating blank line arrived in this chunk, in order.

        Raises:
            EventTooLargeError: an event outgrew ``max_event_bytes``. The events completed
                earlier in this chunk travel on the error; the decoder is then unusable.
            InvalidStateError: the decoder was finished or has failed before.
        """
        return [_event(frame) for frame in self.feed_frames(chunk)]

    def feed_frames(self, chunk: bytes) -> list[Frame]:
        """Like ``feed()``, with each event as a ``Frame`` tuple whose data is bytes (Rule 4).

        Raises:
            EventTooLargeError: as ``feed()``.
            InvalidStateError: as ``feed()``.
        """
        if self._state is not _OPEN:
            raise InvalidStateError(f"cannot feed an SSE decoder that is {self._state.value}")
        if self._head is not None:
            chunk = self._settle_head(chunk)
        if self._skip_lf and chunk:
            self._skip_lf = False
            if chunk[0] == _LF:
                chunk = chunk[1:]
        if not chunk:
            return []
        # bytes.splitlines() breaks at exactly CR, LF and CRLF (str.splitlines() would
        # also break at U+2028 and friends). Whether the chunk ended inside a line is read
        # off its last byte; a final CR may still be followed by the LF of a CRLF.
        lines = chunk.splitlines()
        last = chunk[-1]
        if last == _CR:
            self._skip_lf = True
            rest = b""
        elif last == _LF:
            rest = b""
        else:
            rest = lines.pop()
            if not lines:
                self._grow_tail(rest, [])
                return []
        if self._tail:
            self._tail.append(lines[0])
            lines[0] = b"".join(self._tail)
            self._tail = []
            self._tail_size = 0
        events = self._process(lines)
        if rest:
            self._grow_tail(rest, events)
        return events

    def finish(self) -> list[ServerSentEvent]:
        """Mark the end of the body.

        An event still missing its blank line is discarded, as the standard requires;
        ``pending_bytes`` keeps its size, so a non-zero value after ``finish()`` means the
        body ended in the middle of an event. Calling ``finish()`` again does nothing.

        Returns:
            Always an empty list: by the standard's rules the end of input completes no
            event. It is a list so that callers can treat ``feed`` and ``finish`` alike.

        Raises:
            InvalidStateError: the decoder failed earlier.
        """
        if self._state is _State.FAILED:
            raise InvalidStateError("cannot finish an SSE decoder that has failed")
        self._state = _State.FINISHED
        return []

    def _settle_head(self, chunk: bytes) -> bytes:
        """Drop one BOM at the very start of the body, holding bytes until it is known."""
        assert self._head is not None
        chunk = self._head + chunk
        if len(chunk) < len(_BOM) and _BOM.startswith(chunk):
            self._head = chunk  # could still become a BOM: wait for more bytes
            return b""
        self._head = None
        return chunk[len(_BOM) :] if chunk.startswith(_BOM) else chunk

    def _grow_tail(self, piece: bytes, events: list[Frame]) -> None:
        if (self._tail[0] if self._tail else piece).startswith(b":"):
            # A partial comment: keep only its colon, to know the line when it ends. It
            # counts toward neither the limit nor pending_bytes, however long it grows.
            self._tail = [b":"]
            return
        self._tail.append(piece)
        self._tail_size += len(piece)
        if self._block_size + self._tail_size > self._limit:
            self._fail(self._block_size + self._tail_size, events)

    def _fail(self, size: int, events: list[Frame]) -> None:
        self._state = _State.FAILED
        raise EventTooLargeError(self._limit, size, events)

    def _process(self, lines: list[bytes]) -> list[Frame]:
        """Apply Rules 2 and 3 to complete lines; the hot loop of the decoder."""
        events: list[Frame] = []
        data = self._data
        size = self._block_size
        limit = self._limit
        for line in lines:
            if not line:
                self.last_event_id = self._id_buffer
                if data:
                    events.append(
                        (
                            self._event_type or "message",
                            data[0] if len(data) == 1 else b"\n".join(data),
                            self.last_event_id,
                            self._event_retry,
                        )
                    )
                    data.clear()
                self._event_type = ""
                self._event_retry = None
                size = 0
                continue
            if line[0] == _COLON:
                continue
            size += len(line) + 1
            if size > limit:
                self._block_size = size
                self._fail(size, events)
            # The two field lines of nearly every event skip the general parse, and an
            # ``event:`` line seen before is not decoded again.
            if line.startswith(b"data: "):
                data.append(line[6:])
            elif (event_type := self._types.get(line)) is not None:
                self._event_type = event_type
            elif line.startswith(b"event: "):
                self._event_type = self._remember(line, line[7:])
            else:
                self._field(line, data)
        self._block_size = size
        return events

    def _remember(self, line: bytes, value: bytes) -> str:
        """Decode the value of an ``event`` line, and cache it by the whole line."""
        event_type = value.decode("utf-8", "replace")
        if len(self._types) < MAX_CACHED_TYPES:
            self._types[line] = event_type
        return event_type

    def _field(self, line: bytes, data: list[bytes]) -> None:
        """Apply Rule 2 to one field line in any spelling (no space, no colon, ...)."""
        name, _, value = line.partition(b":")
        if value.startswith(b" "):
            value = value[1:]
        if name == b"data":
            data.append(value)
        elif name == b"event":
            self._event_type = self._remember(line, value)
        elif name == b"id":
            if b"\x00" not in value:
                self._id_buffer = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():  # bytes.isdigit(): ASCII digits only
            # Leading zeros go first: 12 significant digits are already above the clamp.
            digits = value.lstrip(b"0")[:12] or b"0"
            self._event_retry = self.retry = min(int(digits), MAX_RETRY_MS)
