"""Tests for assistant_stream.errors: the documented tree is the real tree; messages."""

import re

from assistant_stream import errors
from assistant_stream._error_base import excerpt
from assistant_stream.errors import (
    AssistantStreamError,
    EventTooLargeError,
    InvalidStateError,
    MalformedEventError,
)
from assistant_stream.sse import ServerSentEvent


def documented_tree() -> set[tuple[str, str]]:
    """(parent, child) pairs drawn in the module docstring."""
    assert errors.__doc__ is not None
    edges = set()
    stack: list[str] = []
    for line in errors.__doc__.splitlines():
        match = re.match(r"^    ((?:│   |    )*)(?:├── |└── )?(\w+)", line)
        if not match or not match.group(2)[0].isupper() or not line.startswith("    "):
            continue
        depth = len(match.group(1)) // 4 + (1 if ("├" in line or "└" in line) else 0)
        del stack[depth:]
        if stack:
            edges.add((stack[-1], match.group(2)))
        stack.append(match.group(2))
    return edges


def real_tree() -> set[tuple[str, str]]:
    """(parent, child) pairs of the exception classes the module exports."""
    classes = [
        item
        for item in (getattr(errors, name) for name in errors.__all__)
        if isinstance(item, type)
    ]
    return {
        (base.__name__, cls.__name__)
        for cls in classes
        for base in cls.__bases__
        if issubclass(base, AssistantStreamError)
    }


def test_docstring_tree_matches_the_classes() -> None:
    """The tree drawn at the top of errors.py is exactly the class hierarchy."""
    assert real_tree() == documented_tree()


def test_builtin_bases_match_the_meaning() -> None:
    """Misuse is a RuntimeError, bad data a ValueError, as the docstring says."""
    assert issubclass(InvalidStateError, RuntimeError)
    assert issubclass(MalformedEventError, ValueError)


def test_event_too_large_message_and_payload() -> None:
    """The error names the limit, how to change it, and carries the events before it."""
    before = [("message", b"caf\xc3\xa9", "7", None)]
    error = EventTooLargeError(1024, 2048, before)
    assert (1024, 2048, before) == (error.limit, error.size, error.frames)
    assert [ServerSentEvent(data="café", id="7")] == error.events
    assert "max_event_bytes=1024" in str(error)
    assert "None" in str(error)


def test_excerpt_cuts_long_text() -> None:
    """Short text is quoted whole; long text is cut with a note of what was left out."""
    assert "short" == excerpt("short")
    assert "x" * 10 + "… (90 more characters)" == excerpt("x" * 100, limit=10)
