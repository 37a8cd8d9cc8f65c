"""Stream Assistants-protocol runs into callbacks, snapshots and typed events.

Subclass ``EventHandler``, override the ``on_*`` callbacks you need, and drive a stream:
``AssistantClient(...).threads.runs.stream(thread_id, assistant_id=..., handler=...)`` over
HTTP (``AssistantClient.for_azure(...)`` for Azure AI Agents), ``replay(body_or_path,
handler)`` for a recorded body, or any async iterable of ``bytes`` through
``AssistantStream``. Underneath, with no I/O:

- ``SSEDecoder`` turns the bytes of a ``text/event-stream`` body into ``ServerSentEvent``
  objects, following the WHATWG rules exactly;
- ``decode_event`` turns one event (name and data) into a typed event such as
  ``ThreadMessageDelta``, whose ``data`` is a model from ``assistant_stream.types``;
- ``assistant_stream.accumulate.Accumulator`` turns typed events into frozen snapshots and
  the callbacks each event calls.

Public namespaces: ``assistant_stream.sse``, ``assistant_stream.events``,
``assistant_stream.types``, ``assistant_stream.accumulate`` and ``assistant_stream.errors``.
The names below are re-exported from them for convenience; everything in a module starting
with ``_`` is private. Each name is imported on first use, so ``import assistant_stream``
is almost free (the pytest plugin loads it in every test run) and the sans-I/O core loads
without asyncio and aiohttp.
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._client import AssistantClient, ClientState
    from ._config import RetryPolicy, Timeout
    from ._decode import decode_event
    from ._registry import ToolRegistry
    from ._replay import replay
    from ._required import RequiredToolCall, ToolOutput
    from .accumulate import FinalRun, PartialRun
    from .errors import (
        APIConnectionError,
        APIResponseError,
        APIStatusError,
        APITimeoutError,
        AssistantStreamError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ConflictError,
        EventTooLargeError,
        InternalServerError,
        InvalidDeltaError,
        InvalidStateError,
        MalformedEventError,
        NotFoundError,
        PermissionDeniedError,
        ProtocolError,
        RateLimitError,
        RunStreamError,
        StreamInterrupted,
        ToolCallError,
        ToolError,
        ToolLoopError,
        UnexpectedResponseError,
        UnprocessableEntityError,
    )
    from .events import (
        EVENT_TYPES,
        AssistantStreamEvent,
        DoneEvent,
        ErrorEvent,
        ThreadCreated,
        ThreadMessageCompleted,
        ThreadMessageCreated,
        ThreadMessageDelta,
        ThreadMessageIncomplete,
        ThreadMessageInProgress,
        ThreadRunCancelled,
        ThreadRunCancelling,
        ThreadRunCompleted,
        ThreadRunCreated,
        ThreadRunExpired,
        ThreadRunFailed,
        ThreadRunIncomplete,
        ThreadRunInProgress,
        ThreadRunQueued,
        ThreadRunRequiresAction,
        ThreadRunStepCancelled,
        ThreadRunStepCompleted,
        ThreadRunStepCreated,
        ThreadRunStepDelta,
        ThreadRunStepExpired,
        ThreadRunStepFailed,
        ThreadRunStepInProgress,
        UnknownEvent,
    )
    from .handler import EventHandler
    from .sse import ServerSentEvent, SSEDecoder
    from .stream import AssistantStream, StreamState

__all__ = [
    "__version__",
    "APIConnectionError",
    "APIResponseError",
    "APIStatusError",
    "APITimeoutError",
    "AssistantClient",
    "AssistantStream",
    "AssistantStreamError",
    "AssistantStreamEvent",
    "AuthenticationError",
    "BadRequestError",
    "ClientState",
    "ConfigurationError",
    "ConflictError",
    "decode_event",
    "DoneEvent",
    "ErrorEvent",
    "EVENT_TYPES",
    "EventHandler",
    "EventTooLargeError",
    "FinalRun",
    "InternalServerError",
    "InvalidDeltaError",
    "InvalidStateError",
    "MalformedEventError",
    "NotFoundError",
    "PartialRun",
    "PermissionDeniedError",
    "ProtocolError",
    "RateLimitError",
    "replay",
    "RequiredToolCall",
    "RetryPolicy",
    "RunStreamError",
    "ServerSentEvent",
    "SSEDecoder",
    "StreamInterrupted",
    "StreamState",
    "ThreadCreated",
    "ThreadMessageCompleted",
    "ThreadMessageCreated",
    "ThreadMessageDelta",
    "ThreadMessageIncomplete",
    "ThreadMessageInProgress",
    "ThreadRunCancelled",
    "ThreadRunCancelling",
    "ThreadRunCompleted",
    "ThreadRunCreated",
    "ThreadRunExpired",
    "ThreadRunFailed",
    "ThreadRunIncomplete",
    "ThreadRunInProgress",
    "ThreadRunQueued",
    "ThreadRunRequiresAction",
    "ThreadRunStepCancelled",
    "ThreadRunStepCompleted",
    "ThreadRunStepCreated",
    "ThreadRunStepDelta",
    "ThreadRunStepExpired",
    "ThreadRunStepFailed",
    "ThreadRunStepInProgress",
    "Timeout",
    "ToolCallError",
    "ToolError",
    "ToolLoopError",
    "ToolOutput",
    "ToolRegistry",
    "UnexpectedResponseError",
    "UnknownEvent",
    "UnprocessableEntityError",
]

#: Every name but ``__version__`` is imported on first use (see the module docstring), so
#: ``import assistant_stream`` costs almost nothing (the pytest plugin and the command line
#: start with it): name -> module.
_LAZY = {
    "AssistantClient": "_client",
    "ClientState": "_client",
    "RetryPolicy": "_config",
    "Timeout": "_config",
    "decode_event": "_decode",
    "ToolRegistry": "_registry",
    "replay": "_replay",
    "RequiredToolCall": "_required",
    "ToolOutput": "_required",
    "FinalRun": "accumulate",
    "PartialRun": "accumulate",
    "APIConnectionError": "errors",
    "APIResponseError": "errors",
    "APIStatusError": "errors",
    "APITimeoutError": "errors",
    "AssistantStreamError": "errors",
    "AuthenticationError": "errors",
    "BadRequestError": "errors",
    "ConfigurationError": "errors",
    "ConflictError": "errors",
    "EventTooLargeError": "errors",
    "InternalServerError": "errors",
    "InvalidDeltaError": "errors",
    "InvalidStateError": "errors",
    "MalformedEventError": "errors",
    "NotFoundError": "errors",
    "PermissionDeniedError": "errors",
    "ProtocolError": "errors",
    "RateLimitError": "errors",
    "RunStreamError": "errors",
    "StreamInterrupted": "errors",
    "ToolCallError": "errors",
    "ToolError": "errors",
    "ToolLoopError": "errors",
    "UnexpectedResponseError": "errors",
    "UnprocessableEntityError": "errors",
    "AssistantStreamEvent": "events",
    "DoneEvent": "events",
    "ErrorEvent": "events",
    "EVENT_TYPES": "events",
    "ThreadCreated": "events",
    "ThreadMessageCompleted": "events",
    "ThreadMessageCreated": "events",
    "ThreadMessageDelta": "events",
    "ThreadMessageIncomplete": "events",
    "ThreadMessageInProgress": "events",
    "ThreadRunCancelled": "events",
    "ThreadRunCancelling": "events",
    "ThreadRunCompleted": "events",
    "ThreadRunCreated": "events",
    "ThreadRunExpired": "events",
    "ThreadRunFailed": "events",
    "ThreadRunIncomplete": "events",
    "ThreadRunInProgress": "events",
    "ThreadRunQueued": "events",
    "ThreadRunRequiresAction": "events",
    "ThreadRunStepCancelled": "events",
    "ThreadRunStepCompleted": "events",
    "ThreadRunStepCreated": "events",
    "ThreadRunStepDelta": "events",
    "ThreadRunStepExpired": "events",
    "ThreadRunStepFailed": "events",
    "ThreadRunStepInProgress": "events",
    "UnknownEvent": "events",
    "EventHandler": "handler",
    "ServerSentEvent": "sse",
    "SSEDecoder": "sse",
    "AssistantStream": "stream",
    "StreamState": "stream",
}


def __getattr__(name: str) -> Any:
    """Import a name's module on first use (see the module docstring)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
