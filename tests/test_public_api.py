"""Tests for the public facade: what ``assistant_stream`` exports, and how modules are laid out."""

import importlib
import pkgutil
from pathlib import Path

import pytest

import assistant_stream
import assistant_stream.types

#: The top-level names. Changing this list is changing the public API: say so in CHANGELOG.md.
TOP_LEVEL = [
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

PUBLIC_MODULES = [
    "assistant_stream.accumulate",
    "assistant_stream.errors",
    "assistant_stream.events",
    "assistant_stream.handler",
    "assistant_stream.sse",
    "assistant_stream.stream",
]
TYPES_MODULES = [
    f"assistant_stream.types.{info.name}"
    for info in pkgutil.iter_modules(assistant_stream.types.__path__)
]


def test_top_level_names_are_pinned_and_sorted() -> None:
    """``__all__`` is exactly the pinned list, sorted case-insensitively."""
    assert TOP_LEVEL == assistant_stream.__all__
    assert sorted(TOP_LEVEL, key=str.lower) == TOP_LEVEL
    for name in TOP_LEVEL:
        assert hasattr(assistant_stream, name), name


@pytest.mark.parametrize("module_name", ["assistant_stream.types", *PUBLIC_MODULES, *TYPES_MODULES])
def test_public_modules_have_sorted_complete_all(module_name: str) -> None:
    """Each public module documents itself, and its ``__all__`` is sorted and importable."""
    module = importlib.import_module(module_name)
    assert module.__doc__
    assert sorted(module.__all__, key=str.lower) == module.__all__
    for name in module.__all__:
        assert hasattr(module, name), name


def test_types_package_exports_every_submodule_name() -> None:
    """``assistant_stream.types`` re-exports every name of its submodules, and nothing else."""
    names = {name for module in TYPES_MODULES for name in importlib.import_module(module).__all__}
    assert names == set(assistant_stream.types.__all__)


def test_private_modules_start_with_underscore() -> None:
    """Every module outside the public namespaces is private."""
    package = Path(assistant_stream.__file__).parent
    public = {"__init__", "__main__", "accumulate", "errors", "events", "handler", "sse", "stream"}
    for path in package.glob("*.py"):
        assert path.stem in public or path.stem.startswith("_"), path.name


def test_package_is_typed() -> None:
    """The PEP 561 marker ships with the package."""
    assert (Path(assistant_stream.__file__).parent / "py.typed").is_file()
