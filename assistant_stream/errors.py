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
        └── MalformedEventError (ValueError)

Foreign exceptions (orjson, cattrs) are translated where they cross into this package,
with the original kept as ``__cause__``. No message contains a secret: what is quoted from
the wire is the server's own data, cut to a short excerpt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .sse import ServerSentEvent

__all__ = [
    "AssistantStreamError",
    "EventTooLargeError",
    "InvalidStateError",
    "MalformedEventError",
    "ProtocolError",
]

#: How much of an offending payload an error message quotes.
EXCERPT_CHARS = 200


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Return ``text`` cut to ``limit`` characters, marking the cut, for error messages."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


class AssistantStreamError(Exception):
    """The root of every exception raised by ``assistant_stream``."""


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
