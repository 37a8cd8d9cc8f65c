"""``record_to=``: the raw bytes of every body a stream reads, teed to a file or a writer.

Rule 1 - byte for byte. Every chunk a body hands the stream is written before it is
decoded, unchanged, so a failing production stream can be captured and replayed in a
test with ``replay()``. The one exception is a secret: the client's credentials and the
approval headers the stream submitted are written as ``***`` should the server echo them
(a recording is shared more widely than a log). To mask one split across chunks, the last
bytes of a chunk, fewer than the longest secret, wait for the next chunk (or the end).

A stream continued after tool calls writes each body (segment) after the one before;
``replay()`` of such a file reads each segment as the live stream did (a ``done`` that
leaves the run waiting is followed by the next segment: ``Body.chains``).

Rule 2 - whoever opens closes. A path is opened (truncated) when the first body opens and
closed when the stream ends, whatever happened; a binary writer the caller passes is
flushed, never closed.

Writes are synchronous: a chunk is a few kilobytes, and the file stays consistent with what
the handlers saw even if the stream is cancelled mid-way.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterable
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
        self._sink: Callable[[bytes], object] | None = None
        self._secrets: Callable[[], Iterable[str]] = tuple
        self._held = b""  # the end of the last chunk, which may begin a secret (rule 1)

    def wrap(self, body: Body, secrets: Callable[[], Iterable[str]] = tuple) -> Body:
        """``body``, with every chunk it reads written to the target first.

        ``secrets`` gives the strings to mask, asked at each chunk (they may grow).
        """
        if self._sink is None:
            if isinstance(self._target, str | os.PathLike):
                self._file = open(self._target, "wb")  # noqa: SIM115 - closed by close()
                self._sink = self._file.write
            else:
                self._sink = self._target.write
        self._secrets = secrets
        return _RecordingBody(body, self.write)

    def write(self, chunk: bytes) -> None:
        """Write ``chunk``, its secrets masked (rule 1)."""
        assert self._sink is not None
        secrets = [secret.encode() for secret in self._secrets() if secret]
        if not secrets and not self._held:
            self._sink(chunk)
            return
        data = self._held + chunk
        for secret in secrets:
            data = data.replace(secret, b"***")
        cut = len(data) - max(0, max((len(secret) for secret in secrets), default=1) - 1)
        cut = max(cut, 0)
        self._held = data[cut:]
        self._sink(data[:cut])

    def close(self) -> None:
        """Write what was held, then close the file opened for a path, or flush a writer."""
        held, self._held = self._held, b""
        if held and self._sink is not None:
            self._sink(held)
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
