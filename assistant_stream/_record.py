"""``record_to=``: the raw bytes of every body a stream reads, teed to a file or a writer.

Rule 1 - byte for byte. Every chunk a body hands the stream is written before it is
decoded, unchanged, so a failing production stream can be captured and replayed in a
test with ``replay()``. A stream continued after tool calls writes each body (segment) after the one
before; ``replay()`` of such a file reads each segment as the live stream did (a ``done``
that leaves the run waiting is followed by the next segment: ``Body.chains``).

Rule 2 - whoever opens closes. A path is opened (truncated) when the first body opens and
closed when the stream ends, whatever happened; a binary writer the caller passes is
flushed, never closed.

Writes are synchronous: a chunk is a few kilobytes, and the file stays consistent with what
the handlers saw even if the stream is cancelled mid-way.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import IO, Protocol, TypeAlias

from ._body import Body, ConnectionLost

__all__ = ["RecordTarget", "Recorder"]


class _BinaryWriter(Protocol):
    def write(self, data: bytes, /) -> object: ...


#: What ``record_to=`` accepts: a path, or a writer of bytes (an open binary file, ...).
RecordTarget: TypeAlias = str | os.PathLike[str] | _BinaryWriter


class Recorder:
    """Tees the bytes of every body to one target (see the module docstring)."""

    def __init__(self, target: RecordTarget) -> None:
        if not isinstance(target, str | os.PathLike) and not callable(
            getattr(target, "write", None)
        ):
            raise TypeError(
                f"record_to takes a path or a binary writer, not {type(target).__name__}"
            )
        self._target = target
        self._file: IO[bytes] | None = None
        self._write: Callable[[bytes], object] | None = None

    def wrap(self, body: Body) -> Body:
        """``body``, with every chunk it reads written to the target first."""
        if self._write is None:
            if isinstance(self._target, str | os.PathLike):
                self._file = open(self._target, "wb")  # noqa: SIM115 - closed by close()
                self._write = self._file.write
            else:
                self._write = self._target.write
        return _RecordingBody(body, self._write)

    def close(self) -> None:
        """Close the file opened for a path, or flush a writer; idempotent."""
        file, self._file = self._file, None
        if file is not None:
            file.close()
        elif callable(flush := getattr(self._target, "flush", None)):
            flush()


class _RecordingBody:
    """A ``Body`` that writes what ``read()`` returns before returning it."""

    def __init__(self, body: Body, write: Callable[[bytes], object]) -> None:
        self._body = body
        self._inner_read = body.read
        self._write = write
        self.empty_read_ends = body.empty_read_ends
        self.chains = body.chains
        self.event_idle = body.event_idle
        self.request = body.request
        self.read: Callable[[], Awaitable[bytes]] = self._read

    async def _read(self) -> bytes:
        chunk = await self._inner_read()
        self._write(chunk)
        return chunk

    def translate(self, exc: Exception) -> BaseException | ConnectionLost:
        return self._body.translate(exc)

    def interrupt(self, exc: BaseException) -> None:
        self._body.interrupt(exc)

    def secrets(self) -> tuple[str, ...]:
        return self._body.secrets()

    async def aclose(self, *, finished: bool) -> None:
        await self._body.aclose(finished=finished)
