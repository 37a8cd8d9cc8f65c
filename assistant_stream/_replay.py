"""``replay``: a recorded stream body, delivered through an ``AssistantStream``.

The offline twin of the HTTP client: the same decoder, accumulator and callbacks, with the
bytes coming from memory, a file or any async iterable instead of a socket. Tests, demos and
bug reports run on it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, AsyncIterator
from typing import Final

from .sse import DEFAULT_MAX_EVENT_BYTES
from .stream import AssistantStream, Handlers

__all__ = ["READ_CHUNK_BYTES", "replay"]

#: How much of a file (or of a bytes body) each read hands to the decoder.
READ_CHUNK_BYTES: Final = 64 * 1024

Source = bytes | bytearray | memoryview | str | os.PathLike[str] | AsyncIterable[bytes]


def replay(
    source: Source,
    handler: Handlers = None,
    *,
    max_event_bytes: int | None = DEFAULT_MAX_EVENT_BYTES,
) -> AssistantStream:
    """Build an ``AssistantStream`` over a recorded ``text/event-stream`` body.

    Args:
        source: the body as ``bytes``; a path (``str`` or ``os.PathLike``) to an ``.sse``
            file, read in ``READ_CHUNK_BYTES`` pieces as the stream is consumed; or an
            async iterable of ``bytes`` chunks, used as is. A ``str`` is always a path,
            never the body itself.
        handler: as for ``AssistantStream``: one handler, several, or ``None``.
        max_event_bytes: the SSE decoder's limit on one event.

    Returns:
        A stream that has not started: use it with ``async with`` or iterate it.

    Raises:
        TypeError: ``source`` is none of the accepted kinds.
    """
    chunks: AsyncIterable[bytes]
    if isinstance(source, bytes | bytearray | memoryview):
        chunks = _from_bytes(bytes(source))
    elif isinstance(source, str | os.PathLike):
        chunks = _from_file(os.fspath(source))
    elif isinstance(source, AsyncIterable):
        chunks = source
    else:  # not unreachable for callers without a type checker
        kind = type(source).__name__  # type: ignore[unreachable]
        raise TypeError(f"replay() takes bytes, a path or an async iterable of bytes, not {kind}")
    return AssistantStream(chunks, handler, max_event_bytes=max_event_bytes)


async def _from_bytes(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), READ_CHUNK_BYTES):
        yield body[start : start + READ_CHUNK_BYTES]


async def _from_file(path: str) -> AsyncIterator[bytes]:
    with open(path, "rb") as file:  # local reads of a recording: short, so not offloaded
        while chunk := file.read(READ_CHUNK_BYTES):
            yield chunk
