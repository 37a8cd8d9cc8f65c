"""``replay``: a recorded stream body, delivered through an ``AssistantStream``.

The offline twin of the HTTP client: the same decoder, accumulator and callbacks, with the
bytes coming from memory, a file or any async iterable instead of a socket. Tests, demos and
bug reports run on it.
"""

from __future__ import annotations

import errno
import os
from collections.abc import AsyncIterable, AsyncIterator
from typing import Final

from ._error_base import excerpt
from .sse import DEFAULT_MAX_EVENT_BYTES
from .stream import AssistantStream, Handlers

__all__ = ["READ_CHUNK_BYTES", "replay"]

#: How much of a file (or of a bytes body) each read hands to the decoder.
READ_CHUNK_BYTES: Final = 64 * 1024

Source = bytes | bytearray | memoryview | str | os.PathLike[str] | AsyncIterable[bytes]

#: How an event-stream body begins, to tell a body passed as ``str`` from a path.
_BODY_STARTS: Final = (":", "event:", "data:", "id:", "retry:")


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
            never the body itself; the file is opened when the stream starts, and if there
            is none the stream fails with ``FileNotFoundError``, whose message says to pass
            the body as ``bytes`` when the ``str`` looks like one (``"event: ..."``).
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


def _looks_like_a_body(path: str) -> bool:
    return path.lstrip().startswith(_BODY_STARTS) or "\n" in path


_A_BODY: Final = (
    "replay() reads a str as the path of a recording, and this one looks like a body: pass "
    "the body as bytes (replay(body.encode())), or a path to a file"
)
_NO_FILE: Final = "no recording at this path (replay() reads a str as a path, bytes as the body)"


async def _from_bytes(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), READ_CHUNK_BYTES):
        yield body[start : start + READ_CHUNK_BYTES]


async def _from_file(path: str) -> AsyncIterator[bytes]:
    try:
        file = open(path, "rb")  # noqa: SIM115  # closed below; local reads are not offloaded
    except FileNotFoundError:
        if _looks_like_a_body(path):
            raise FileNotFoundError(errno.ENOENT, _A_BODY, excerpt(path, 60)) from None
        raise FileNotFoundError(errno.ENOENT, _NO_FILE, path) from None
    with file:
        while chunk := file.read(READ_CHUNK_BYTES):
            yield chunk
