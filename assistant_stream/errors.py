"""Every exception this package raises, in one hierarchy.

Catch ``AssistantStreamError`` to catch them all. The tree is split by blame, as in h11:
``InvalidStateError`` means the caller used an object wrongly (a bug in the calling code),
``ProtocolError`` means the server or the wire sent something this client cannot accept.
Where the meaning matches a builtin, the class also derives from it, so existing
``except ValueError`` code keeps working::

    AssistantStreamError
    ├── InvalidStateError (RuntimeError)
    └── ProtocolError
        ├── EventTooLargeError
        ├── InvalidDeltaError (ValueError)
        ├── MalformedEventError (ValueError)
        └── StreamInterrupted

Foreign exceptions (orjson, cattrs) are translated where they cross into this package,
with the original kept as ``__cause__``. No message contains a secret: what is quoted from
the wire is the server's own data, cut to a short excerpt.

Nothing received is lost: when an error of this package ends an ``AssistantStream``, the
stream sets the error's ``partial`` attribute to a ``PartialRun`` (the thread and run ids,
the last event, and every run, message and step snapshot accumulated so far) before raising.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .accumulate import PartialRun
    from .events import AssistantStreamEvent
    from .sse import ServerSentEvent

__all__ = [
    "AssistantStreamError",
    "EventTooLargeError",
    "InvalidDeltaError",
    "InvalidStateError",
    "MalformedEventError",
    "ProtocolError",
    "StreamInterrupted",
]

#: How much of an offending payload an error message quotes.
EXCERPT_CHARS = 200


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Return ``text`` cut to ``limit`` characters, marking the cut, for error messages."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


class AssistantStreamError(Exception):
    """The root of every exception raised by ``assistant_stream``.

    Attributes:
        partial: set by ``AssistantStream`` when this error ended a stream: what had been
            received until then (see ``assistant_stream.accumulate.PartialRun``). ``None``
            for errors raised outside a stream.
    """

    partial: PartialRun | None = None


class InvalidStateError(AssistantStreamError, RuntimeError):
    """An object was used in a state that does not allow the call.

    For example ``SSEDecoder.feed()`` after ``finish()``, or after the decoder raised.
    This is a bug in the calling code, not a problem with the server.
    """


class ProtocolError(AssistantStreamError):
    """The server sent something the protocol forbids or this client cannot accept."""


class EventTooLargeError(ProtocolError):
    """One server-sent event grew past the decoder's ``max_event_bytes`` limit.

    Attributes:
        limit: the limit that was exceeded, in bytes.
        size: how many bytes of the event had arrived when the limit was crossed.
        events: the events that completed earlier in the same ``feed()`` call. They were
            decoded correctly and are handed over here so that nothing received is lost.
    """

    def __init__(self, limit: int, size: int, events: Sequence[ServerSentEvent] = ()) -> None:
        self.limit = limit
        self.size = size
        self.events = list(events)
        super().__init__(
            f"a server-sent event exceeded max_event_bytes={limit} "
            f"({size} bytes had arrived before the decoder stopped); "
            "raise the limit with SSEDecoder(max_event_bytes=...) or pass None to remove it"
        )


class MalformedEventError(ProtocolError, ValueError):
    """A stream event's data is not JSON, or does not fit the schema of its event name.

    Attributes:
        event: the SSE event name (for example ``"thread.message.delta"``).
        problems: one line per problem, each ending with the JSON path where it was found,
            for example ``"required field missing @ $.delta.content[0].index"``.
        data_excerpt: the start of the raw data, for the log.
    """

    def __init__(self, event: str, problems: Sequence[str], data_excerpt: str) -> None:
        self.event = event
        self.problems = list(problems)
        self.data_excerpt = data_excerpt
        listed = "; ".join(self.problems) or "unknown problem"
        super().__init__(f"malformed {event!r} event: {listed}; data: {data_excerpt}")


class InvalidDeltaError(ProtocolError, ValueError):
    """A delta cannot be applied to its snapshot.

    Raised for an array index that is negative or not an integer, one that jumps absurdly far
    past the entries received so far (see ``assistant_stream.accumulate.MAX_INDEX_GAP``),
    and a content block or tool call whose ``type`` changes between deltas. The message
    names the message or step id and the path of the entry.
    """


class StreamInterrupted(ProtocolError):
    """The stream ended before the run did: no ``done`` frame and no terminal run event.

    The connection was lost, or the body ended mid-stream. Everything received is kept, so
    the caller can show it, then poll or cancel the run.

    Attributes:
        partial: what was received (always set): ``partial.thread_id``, ``partial.run_id``,
            ``partial.last_event``, ``partial.run``, ``partial.messages`` and
            ``partial.run_steps``.
        thread_id, run_id: shortcuts to ``partial``'s, ``None`` when never seen.
        last_event: the last event received, ``None`` if none was.
    """

    partial: PartialRun

    def __init__(self, partial: PartialRun, reason: str) -> None:
        self.partial = partial
        last = partial.last_event
        where = f"after {last.event!r}" if last is not None else "before any event"
        run = f" (thread {partial.thread_id}, run {partial.run_id})" if partial.run_id else ""
        super().__init__(f"the stream ended {where}{run} without a terminal run event: {reason}")

    @property
    def thread_id(self) -> str | None:
        """The thread the stream was about, if any event said."""
        return self.partial.thread_id

    @property
    def run_id(self) -> str | None:
        """The run the stream was about, if any event said."""
        return self.partial.run_id

    @property
    def last_event(self) -> AssistantStreamEvent | None:
        """The last event received before the stream ended."""
        return self.partial.last_event
