"""Every exception this package raises, in one hierarchy.

Catch ``AssistantStreamError`` to catch them all. The tree is split by blame, as in h11:
``InvalidStateError`` and ``ConfigurationError`` mean the caller used the package wrongly (a
bug in the calling code); the connection errors mean the network or a timeout failed; the
response errors mean the server answered with an error instead of a stream; ``RunStreamError``
means the run reported an error in the stream; ``ProtocolError`` means the server or the wire
sent something this client cannot accept. Where the meaning matches a builtin, the class also
derives from it, so existing ``except ValueError`` or ``except TimeoutError`` code keeps
working::

    AssistantStreamError
    ├── InvalidStateError (RuntimeError)
    ├── ConfigurationError (ValueError)
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
    └── ProtocolError
        ├── EventTooLargeError
        ├── InvalidDeltaError (ValueError)
        ├── MalformedEventError (ValueError)
        └── StreamInterrupted

Foreign exceptions (aiohttp, orjson, cattrs) are translated where they cross into this
package, with the original kept as ``__cause__``: aiohttp's in ``_transport`` (the one HTTP
boundary), orjson's and cattrs' in ``_decode``. No message contains a secret: what is quoted
from the wire is the server's own data, cut to a short excerpt, with the client's credentials
masked, and requests are named by method and URL without the query string.

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
    "StreamInterrupted",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
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
    """A stream event's data, or a response body, is not JSON or does not fit its schema.

    Attributes:
        event: the SSE event name (for example ``"thread.message.delta"``), or for the body
            of a plain JSON response, the request (``"response to GET /v1/threads/..."``).
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


class ConfigurationError(AssistantStreamError, ValueError):
    """The client was given a value it cannot use.

    For example no API key (neither passed nor in ``OPENAI_API_KEY``), a header value that
    contains CR or LF, or an Azure client with both a key and a token provider. Raised before
    anything is sent; the message names the setting, never its value.
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


class APIResponseError(AssistantStreamError):
    """The server answered with an error, or with something that is not an event stream.

    Attributes:
        status_code: the HTTP status.
        request: the method and URL, without the query string.
        request_id: the ``x-request-id`` response header, for the service's support.
        body: the response body: the parsed JSON if it was JSON, else its text (cut to a
            short excerpt, credentials masked).
        message, type, param, code: the fields of the service's error object
            (``{"error": {"message": ..., "type": ..., "param": ..., "code": ...}}``),
            ``None`` where absent. ``message`` falls back to a ``detail`` or ``message``
            field at the top level, or the body's text.
    """

    def __init__(
        self,
        status_code: int,
        body: object,
        *,
        request: str,
        request_id: str | None = None,
        note: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.request = request
        self.request_id = request_id
        error = body.get("error") if isinstance(body, dict) else None
        fields: dict[object, object] = error if isinstance(error, dict) else {}
        top: dict[object, object] = body if isinstance(body, dict) else {}
        message = fields.get("message", top.get("detail", top.get("message")))
        if isinstance(error, str):
            message = error
        elif message is None and isinstance(body, str):
            message = body
        self.message = _field(message)
        self.type = _field(fields.get("type"))
        self.param = _field(fields.get("param"))
        self.code = _field(fields.get("code"))
        details = _details(
            ("type", self.type),
            ("param", self.param),
            ("code", self.code),
            ("request id", request_id),
        )
        head = note or f"HTTP {status_code}"
        super().__init__(f"{head} from {request}: {_said(self.message)}{details}")


def _field(value: object) -> str | None:
    return None if value is None else str(value)


def _said(message: str | None) -> str:
    """The server's message for an error message: cut short, or a note that there was none."""
    return excerpt(message) if message else "(no error message)"


def _details(*fields: tuple[str, str | None]) -> str:
    """`` (type x, code y)`` for the fields that are set, or nothing."""
    listed = ", ".join(f"{name} {value}" for name, value in fields if value is not None)
    return f" ({listed})" if listed else ""


class APIStatusError(APIResponseError):
    """The server answered with an HTTP error status (3xx that is not followed, 4xx, 5xx).

    The subclasses name the common statuses; other statuses raise this class itself.
    """


class BadRequestError(APIStatusError):
    """400: the request was invalid (a missing or wrong parameter)."""


class AuthenticationError(APIStatusError):
    """401: the API key or token is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials may not do this."""


class NotFoundError(APIStatusError):
    """404: the thread, run or path does not exist."""


class ConflictError(APIStatusError):
    """409: the resource is in a conflicting state (for example a run already active)."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests, or the quota is used up (``code`` tells which)."""


class InternalServerError(APIStatusError):
    """500 and above: the service failed."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_for_status(status_code: int) -> type[APIStatusError]:
    """Return the ``APIStatusError`` subclass for an HTTP status (the class itself if none)."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


class UnexpectedResponseError(APIResponseError):
    """A streaming request was answered with a success status but not an event stream.

    Services have answered ``stream: true`` requests with a JSON error body and status 200;
    that body is parsed into ``message``, ``type``, ``param`` and ``code`` as for a status
    error. It is never fed to the SSE decoder.

    Attributes:
        content_type: the response's ``Content-Type`` (without parameters), ``None`` if absent.
    """

    def __init__(
        self,
        status_code: int,
        body: object,
        *,
        request: str,
        request_id: str | None = None,
        content_type: str | None = None,
    ) -> None:
        self.content_type = content_type
        note = (
            f"HTTP {status_code} with content type {content_type!r} instead of 'text/event-stream'"
        )
        super().__init__(status_code, body, request=request, request_id=request_id, note=note)


class RunStreamError(AssistantStreamError):
    """The server sent an ``error`` event in the stream.

    ``on_error`` receives the error first. ``until_done()`` (and the other waits) then raise
    this, once the stream has ended, unless an ``on_error`` callback returned ``True`` to say
    the error was handled. ``partial`` holds what was received.

    Attributes:
        error: the ``ErrorObject`` the event carried.
        message, type, code, param: its fields, as shortcuts.
    """

    def __init__(self, error: ErrorObject) -> None:
        self.error = error
        details = _details(("type", error.type), ("code", error.code), ("param", error.param))
        super().__init__(
            f"the server reported an error in the stream: {_said(error.message)}{details}"
        )

    @property
    def message(self) -> str | None:
        """The server's description of the error."""
        return self.error.message

    @property
    def type(self) -> str | None:
        """The error class, for example ``"server_error"``."""
        return self.error.type

    @property
    def code(self) -> str | None:
        """A machine-readable code, if any."""
        return self.error.code

    @property
    def param(self) -> str | None:
        """The request parameter at fault, if any."""
        return self.error.param
