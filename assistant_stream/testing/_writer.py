r"""Server-sent events out: frames, line endings, a byte-order mark, and how bytes are cut.

``Writer.frame(name, data)`` returns the writes one event becomes; ``Writer.end()`` the
writes that finish the body (the rest of a fixed-size chunk). No I/O: the server writes
what comes out.

Rule 1 - a frame is ``event: <name>\ndata: <data>\n\n``, as the service writes them (one
``data`` line: JSON has no newline); ``crlf`` makes every line end in CR LF, and ``bom``
puts a UTF-8 byte-order mark before the first byte of the body, and nowhere else.

Rule 2 - ``chunk`` decides the writes: ``"event"`` one per frame, ``"byte"`` one per byte,
a number that many bytes each (frames run across writes, as TCP cuts them; the bytes short
of a whole chunk wait for the next frame, or for ``end()``).

Rule 3 - ``limit`` bytes at most go out (``truncate_after_bytes``), the BOM included: the
frame that reaches it is cut there and written whole, ``cut`` becomes true, and from then
on ``frame``, ``comment`` and ``end`` return nothing.
"""

from __future__ import annotations

from typing import Final, Literal

__all__ = ["BOM", "DONE", "KEEPALIVE", "Writer"]

BOM: Final = b"\xef\xbb\xbf"
KEEPALIVE: Final = b": keep-alive\n\n"
DONE: Final = (b"done", b"[DONE]")


class Writer:
    """Frames to writes, for one response body.

    Attributes:
        cut: the ``limit`` was reached: nothing more goes out.
        written: the bytes of the body so far (those held for a whole chunk included).
    """

    def __init__(
        self,
        *,
        chunk: Literal["event", "byte"] | int = "event",
        crlf: bool = False,
        bom: bool = False,
        limit: int | None = None,
    ) -> None:
        self._size = None if chunk == "event" else 1 if chunk == "byte" else int(chunk)
        self._newline = b"\r\n" if crlf else b"\n"
        self._head = BOM if bom else b""  # not yet counted against the limit
        self._pending = b""  # counted, held back until a whole chunk is there
        self._left = limit
        self.cut = False
        self.written = 0

    def frame(self, name: bytes, data: bytes) -> list[bytes]:
        """The writes of one event."""
        nl = self._newline
        return self._out(b"event: " + name + nl + b"data: " + data + nl + nl)

    def comment(self) -> list[bytes]:
        """The writes of one keep-alive comment."""
        return self._out(KEEPALIVE.replace(b"\n", self._newline))

    def end(self) -> list[bytes]:
        """What is left to write when the body ends."""
        writes = self._out(b"") if self._head else []
        rest, self._pending = self._pending, b""
        return [*writes, rest] if rest else writes

    def _out(self, frame: bytes) -> list[bytes]:
        if self.cut:
            return []
        new, self._head = self._head + frame, b""
        if self._left is not None:
            if len(new) >= self._left:
                new, self.cut = new[: self._left], True
            self._left -= len(new)
        self.written += len(new)
        data, self._pending = self._pending + new, b""
        if self._size is None:
            return [data] if data else []
        whole = len(data) if self.cut else len(data) - len(data) % self._size
        writes = [data[i : i + self._size] for i in range(0, whole, self._size)]
        self._pending = data[whole:]
        return writes
