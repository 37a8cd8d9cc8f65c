"""Who may read a stream's events, when several tasks use one stream.

A stream's events are read by one reader at a time, and each event's callbacks run once.
Two kinds of consumers share them:

Rule 1 - waits share one outcome. ``until_done()`` and the ``get_final_*`` helpers may be
called from any number of tasks at once. When nothing is reading, a wait reads the stream to
its end; a wait that finds something reading (another wait, a pull, ``async with`` opening
the stream) waits until it stops, then looks again. Every wait gets the same outcome (the
same exception, if the stream failed).

Rule 2 - one iteration holds the stream. ``async for`` over the stream and each
``text_deltas`` iterator are iterations. The first one to pull an event holds the stream
until the stream ends (or, for ``text_deltas``, until that iterator is closed). Pulling
from another iteration meanwhile raises ``InvalidStateError`` naming the holder, and so
does pulling while another pull or a wait is reading.

Rule 3 - a wait during an iteration. In the task that last pulled the holding iteration
(its loop body), a wait drives the rest of the stream, and the iteration's next pull ends
it. In any other task, a wait waits for the end, which the iteration reaches.

Rule 4 - a pause lets go. When the stream pauses (the run waits for tool outputs), waits
return and the iteration stops holding it: after a submit, any consumer may read on.
"""

from __future__ import annotations

import asyncio

from .errors import InvalidStateError

__all__ = ["Consumers"]


class Consumers:
    """The bookkeeping of the rules above, for one stream.

    Attributes:
        reading: what reads the stream now (``"until_done()"``, ``"async for"``,
            ``"async with"``...), or ``None``; set by ``reading_as``.
    """

    __slots__ = ("_holder", "_holder_name", "_holder_task", "_turn", "_waits", "reading")

    def __init__(self) -> None:
        self.reading: str | None = None
        self._holder: object = None
        self._holder_name = ""
        self._holder_task: object = None
        self._turn = asyncio.Event()  # set when the reader stops or the stream ends
        self._waits = 0  # waits sleeping on _turn

    def claim(self, iteration: object, name: str) -> None:
        """Let ``iteration`` (called ``name`` in messages) pull the next event (rule 2).

        Raises:
            InvalidStateError: another consumer reads, or another iteration holds the stream.
        """
        if self.reading is not None:
            raise InvalidStateError(
                f"cannot read the stream with {name}: it is being read by {self.reading} "
                "right now; consume a stream from one task, or wait for its end with "
                "until_done()"
            )
        holder = self._holder
        if holder is not None and holder is not iteration:
            raise InvalidStateError(
                f"cannot read the stream with {name}: its events are consumed by "
                f"{self._holder_name}; iterate a stream once, or wait for its end with "
                "until_done()"
            )
        self._holder, self._holder_name = iteration, name
        self._holder_task = asyncio.current_task()

    def release(self, iteration: object) -> None:
        """``iteration`` was closed: it no longer holds the stream."""
        if self._holder is iteration:
            self._holder = None

    def may_drive(self) -> bool:
        """Whether a wait in the current task should read the stream itself (rules 1, 3)."""
        if self.reading is not None:
            return False
        return self._holder is None or self._holder_task is asyncio.current_task()

    def reading_as(self, name: str) -> Consumers:
        """Mark ``name`` as reading the stream, until the ``with`` block around this ends."""
        self.reading = name
        return self

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        self.stop_reading()

    def stop_reading(self) -> None:
        """Nothing reads the stream now: wake the waits, to look again (rule 1)."""
        self.reading = None
        if self._waits:
            self._turn.set()
            self._turn = asyncio.Event()

    def end(self) -> None:
        """The stream has ended or paused: wake every wait; no iteration holds it now.

        A paused stream may go on (after a submit), so the next waits sleep anew.
        """
        self._holder = None
        self._turn.set()
        self._turn = asyncio.Event()

    async def wait_turn(self) -> None:
        """Sleep until the reader stops or the stream ends."""
        self._waits += 1
        try:
            await self._turn.wait()
        finally:
            self._waits -= 1
