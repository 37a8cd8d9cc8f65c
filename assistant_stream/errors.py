"""Every exception this package raises, in one hierarchy.

Catch ``AssistantStreamError`` to catch them all. The tree is split by blame, as in h11:
``InvalidStateError`` and ``ConfigurationError`` mean the caller used the package wrongly (a
bug in the calling code); the connection errors mean the network or a timeout failed; the
response errors mean the server answered with an error instead of a stream; ``RunStreamError``
means the run reported an error in the stream; ``ToolError`` means a ``ToolRegistry`` could
not answer the run's tool calls; ``ProtocolError`` means the server or the wire
sent something this client cannot accept. Where the meaning matches a builtin, the class also
derives from it, so existing ``except ValueError`` or ``except TimeoutError`` code keeps
working::

    AssistantStreamError
    ├── InvalidStateError (RuntimeError)
    ├── ConfigurationError (ValueError)
    │   └── ScriptError
    ├── APIConnectionError
    │   └── APITimeoutError (TimeoutError)
    ├── APIResponseError
    │   ├── APIStatusError
    │   │   ├── BadRequestError                 400
    │   │   ├── AuthenticationError             401
    │   │   ├── PermissionDeniedError           403
    │   │   ├── NotFoundError                   404
    │   │   ├── ConflictError                   409
    │   │   ├── UnprocessableEntityError        422
    │   │   ├── RateLimitError                  429
    │   │   └── InternalServerError             500 and above
    │   └── UnexpectedResponseError
    ├── RunStreamError
    ├── ToolError
    │   ├── ToolCallError
    │   └── ToolLoopError
    └── ProtocolError
        ├── EventTooLargeError
        ├── InvalidDeltaError (ValueError)
        ├── MalformedEventError (ValueError)
        └── StreamInterrupted

Foreign exceptions (aiohttp, orjson, cattrs) are translated where they cross into this
package, with the original kept as ``__cause__``: aiohttp's in ``_transport`` (the one HTTP
boundary), orjson's and cattrs' in ``_decode``.

No message contains a secret: every error a stream raises has the client's credentials
masked in its message, its ``repr`` and the text attributes it formats (``redact`` in
``_error_base``), whatever the text came from; what is quoted from a response is cut to a
short excerpt; requests are named by method and URL without the query string; and
``MalformedEventError`` quotes no value from the data at all.

Nothing received is lost: when an error of this package ends an ``AssistantStream``, the
stream sets the error's ``partial`` attribute to a ``PartialRun`` (the thread and run ids,
the last event, and every run, message and step snapshot accumulated so far) before raising.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._error_base import AssistantStreamError, details, said
from ._status_errors import (
    APIResponseError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnexpectedResponseError,
    UnprocessableEntityError,
    error_for_status,
)

if TYPE_CHECKING:
    from .accumulate import PartialRun
    from .events import AssistantStreamEvent
    from .sse import Frame, ServerSentEvent
    from .types.shared import ErrorObject

__all__ = [
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "AssistantStreamError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "error_for_status",
    "EventTooLargeError",
    "InternalServerError",
    "InvalidDeltaError",
    "InvalidStateError",
    "MalformedEventError",
    "NotFoundError",
    "PermissionDeniedError",
    "ProtocolError",
    "RateLimitError",
    "RunStreamError",
    "ScriptError",
    "StreamInterrupted",
    "ToolCallError",
    "ToolError",
    "ToolLoopError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
]


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
        frames: the events that completed earlier in the same ``feed()`` call, as
            ``SSEDecoder.feed_frames()`` returns them. They were decoded correctly and are
            handed over so that nothing received is lost.
    """

    def __init__(self, limit: int, size: int, frames: Sequence[Frame] = ()) -> None:
        self.limit = limit
        self.size = size
        self.frames = list(frames)
        super().__init__(
            f"a server-sent event exceeded max_event_bytes={limit} "
            f"({size} bytes had arrived before the decoder stopped); "
            "raise the limit with SSEDecoder(max_event_bytes=...) or pass None to remove it"
        )

    @property
    def events(self) -> list[ServerSentEvent]:
        """``frames`` as ``ServerSentEvent`` values, as ``SSEDecoder.feed()`` returns them."""
        from .sse import ServerSentEvent  # here: sse imports this module

        return [
            ServerSentEvent(event, data.decode("utf-8", "replace"), last_id, retry)
            for event, data, last_id, retry in self.frames
        ]


class MalformedEventError(ProtocolError, ValueError):
    """A stream event's data, or a response body, is not JSON or does not fit its schema.

    Attributes:
        event: the SSE event name (for example ``"thread.message.delta"``), or for the body
            of a plain JSON response, the request (``"response to GET /v1/threads/..."``).
        problems: one line per problem: its kind and the JSON path where it was found, for
            example ``"expected an integer, got a string @ $.delta.content[0].index"``.
        data: the raw data as received (``str`` or UTF-8 ``bytes``), for debugging. It may
            hold tool arguments and user text, so the message never quotes it.
    """

    TEXT_FIELDS = ("problems",)

    def __init__(self, event: str, problems: Sequence[str], data: str | bytes) -> None:
        self.event = event
        self.problems = list(problems)
        self.data = data
        listed = "; ".join(self.problems) or "unknown problem"
        super().__init__(f"malformed {event!r} event: {listed}")


class InvalidDeltaError(ProtocolError, ValueError):
    """A delta cannot be applied to its snapshot.

    Raised for an array index that is negative or not an integer, one that jumps absurdly far
    past the entries received so far (see ``assistant_stream.accumulate.MAX_INDEX_GAP``),
    a content block or tool call whose ``type`` changes between deltas, and a delta without
    a ``type`` that does not fit the entry it continues. The message names the message or
    step id and the path of the entry. The event that raised was not applied at all.
    """


class StreamInterrupted(ProtocolError):
    """The stream ended before the run did: no ``done`` frame and no terminal run event.

    The connection was lost, or the body ended mid-stream. Everything received is kept, so
    the caller can show it, then poll or cancel the run.

    Attributes:
        partial: what was received (always set): ``partial.thread_id``, ``partial.run_id``,
            ``partial.last_event``, ``partial.final_run``, ``partial.messages`` and
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


class ConfigurationError(AssistantStreamError, ValueError):
    """The client was given a value it cannot use.

    For example no API key (neither passed nor in ``OPENAI_API_KEY``), a header value that
    contains CR or LF, or an Azure client with both a key and a token provider. Raised before
    anything is sent; the message names the setting, never its value.
    """


class ScriptError(ConfigurationError):
    """A script for ``assistant_stream.testing.AssistantServer`` is not what it should be.

    The message names the turn and the part (counted from 1) and what is wrong with it, as
    ``turn 2, part 1: 'function_call' has unknown keys ['args']; ...``. Raised when the
    script is given, before any run uses it.
    """


class APIConnectionError(AssistantStreamError):
    """The request could not be sent, or no response came back.

    The connection was refused or lost before the response headers arrived, DNS or TLS
    failed, or the response could not be parsed as HTTP. Some are retried (``RetryPolicy``)
    before they are raised. A connection lost *during* a stream raises ``StreamInterrupted``
    instead, which carries what was received.

    Attributes:
        request: the method and URL, without the query string (``"POST https://.../runs"``).
    """

    def __init__(self, message: str, *, request: str) -> None:
        self.request = request
        super().__init__(f"{message} ({request})")


class APITimeoutError(APIConnectionError, TimeoutError):
    """A timeout of ``assistant_stream.Timeout`` expired.

    ``on_timeout`` then ``on_exception`` run before it is raised from a stream, and
    ``partial`` holds what was received.

    Attributes:
        kind: which limit: ``"connect"``, ``"read"`` (no bytes for that long), ``"event_idle"``
            (no event for that long) or ``"total"``.
        seconds: the limit, in seconds.
    """

    def __init__(self, kind: str, seconds: float | None, *, request: str) -> None:
        self.kind = kind
        self.seconds = seconds
        limit = f"{seconds:g} s" if seconds is not None else "its limit"
        message = f"the {kind} timeout expired after {limit} (Timeout.{kind})"
        super().__init__(message, request=request)


class RunStreamError(AssistantStreamError):
    """The server sent an ``error`` event in the stream.

    ``on_error`` receives the error first. ``until_done()`` (and the other waits) then raise
    this, once the stream has ended, unless an ``on_error`` callback returned ``True`` to say
    the error was handled. ``partial`` holds what was received.

    Attributes:
        error: the ``ErrorObject`` the event carried, as received.
        message: the server's description of the error (credentials masked).
        type: the error class, for example ``"server_error"``.
        code: a machine-readable code, if any.
        param: the request parameter at fault, if any.
    """

    TEXT_FIELDS = ("message", "type", "code", "param")

    def __init__(self, error: ErrorObject) -> None:
        self.error = error
        self.message = error.message
        self.type = error.type
        self.code = error.code
        self.param = error.param
        listed = details(("type", error.type), ("code", error.code), ("param", error.param))
        super().__init__(
            f"the server reported an error in the stream: {said(error.message)}{listed}"
        )


class ToolError(AssistantStreamError):
    """A ``ToolRegistry`` could not answer a run's tool calls, and the stream ends with it."""


class ToolCallError(ToolError):
    """A tool call could not be answered, with ``ToolRegistry(raise_errors=True)``.

    Without ``raise_errors`` the same problem becomes the call's output instead, for the
    model to act on. A function's own exception is raised as it is, not as this.

    Attributes:
        call_id: the tool call's id.
        name: the function the call named.
        reason: what went wrong: an unknown function, arguments that are not JSON or do not
            fit the signature, or a timeout.
    """

    TEXT_FIELDS = ("reason",)

    def __init__(self, call_id: str, name: str, reason: str) -> None:
        self.call_id = call_id
        self.name = name
        self.reason = reason
        super().__init__(f"tool call {call_id} ({name or 'no name'}): {reason}")


class ToolLoopError(ToolError):
    """The run kept asking for tool calls beyond ``ToolRegistry(max_rounds=...)``.

    The run was cancelled through the API before this was raised (unless that request
    failed: it is logged); ``partial`` holds what every body of the stream received.

    Attributes:
        rounds: how many rounds of tool calls were answered.
        run_id: the run.
        cancelled: whether the cancel request succeeded.
    """

    def __init__(self, rounds: int, run_id: str | None, *, cancelled: bool) -> None:
        self.rounds = rounds
        self.run_id = run_id
        self.cancelled = cancelled
        outcome = "it was cancelled" if cancelled else "cancelling it failed (see the log)"
        super().__init__(
            f"the run {run_id} still required tool calls after {rounds} rounds "
            f"(ToolRegistry(max_rounds={rounds})); {outcome}"
        )
