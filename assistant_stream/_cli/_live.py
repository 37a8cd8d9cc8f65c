"""The live terminal screen, drawn with rich: text as it arrives, tool calls as they stream.

Imported only when the output is a terminal and rich is installed (``_render`` rule 2).

Rule 1 - what is final is printed once, above the live region, into the scrollback: ended
lines of text, finished tool calls, outputs, notes, the summary. The live region (rich's
``Live``) holds only what may still change: the line of text being written, the tool call
being streamed, and the status line (elapsed time, events, tokens per second). It is
transient: it vanishes when the stream ends, and the summary is printed in its place.

Rule 2 - one thread. The region is redrawn by this screen on the event loop, never by
rich's refresh thread (``auto_refresh=False``): after a change (one that comes sooner than
``MIN_REDRAW`` after the last redraw is drawn when that time has passed), and every
``TICK`` seconds by a ticker task so that the elapsed time moves. A redraw therefore never
sees half an update.

Rule 3 - a line is printed once it cannot change. Text before the last newline is printed;
so is every line the pending text wraps to at the console's width, but the last. Wrapping
is greedy, so more text never changes a line that is not the last one.
"""

from __future__ import annotations

import asyncio
import time
from types import TracebackType
from typing import TYPE_CHECKING, Final, TextIO

from rich.console import Console
from rich.live import Live
from rich.text import Text

from ._views import Tally, ToolView, tool_view

if TYPE_CHECKING:
    from assistant_stream.types.run_step import ToolCall

__all__ = ["MIN_REDRAW", "TICK", "LiveScreen"]

#: How often the status line moves when nothing arrives, in seconds.
TICK: Final = 0.1
#: The shortest time between two redraws caused by events (30 per second at most).
MIN_REDRAW: Final = 1 / 30
#: The spinner's frames, one per ``TICK``.
FRAMES: Final = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
#: The last lines of a streaming code interpreter input shown in the live region.
PREVIEW_LINES: Final = 6

_TOOL, _ARGS, _CODE, _OUTPUT, _NOTE = "bold cyan", "cyan", "dim", "green", "yellow"
_STYLES: Final = {False: "", True: "italic red"}  # by refusal


class LiveScreen:
    """The terminal screen (rules 1 to 3).

    Args:
        tally: the counts the status line shows.
        file: the terminal to draw on, when no ``console`` is given (default: stdout).
        console: the rich console to draw on (tests pass one writing to a ``StringIO``).
    """

    def __init__(
        self, tally: Tally, *, file: TextIO | None = None, console: Console | None = None
    ) -> None:
        self._console = console if console is not None else Console(file=file, highlight=False)
        self.tally = tally
        self._pending = ""  # the line of text being written (rule 3)
        self._style = ""
        self._call: ToolCall | None = None  # the tool call streaming
        self._live = Live(console=self._console, auto_refresh=False, transient=True)
        self._ticker: asyncio.Task[None] | None = None
        self._drawn = 0.0
        self._later: asyncio.TimerHandle | None = None  # a redraw put off (rule 2)

    async def __aenter__(self) -> LiveScreen:
        self._live.start()
        self._redraw(force=True)
        self._ticker = asyncio.get_running_loop().create_task(self._tick())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        ticker, self._ticker = self._ticker, None
        if self._later is not None:
            self._later.cancel()
        if ticker is not None:
            ticker.cancel()
            await asyncio.wait([ticker])
        self.end_text()
        self._call = None
        self._live.stop()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(TICK)
            self._redraw(force=True)

    # -- the live region ---------------------------------------------------------------

    def _region(self) -> Text:
        region = Text(no_wrap=True, overflow="ellipsis")
        if self._pending:
            region.append(self._pending, style=self._style)
            region.append("\n")
        if self._call is not None:
            region.append_text(_preview(tool_view(self._call)))
            region.append("\n")
        frame = FRAMES[int(time.perf_counter() / TICK) % len(FRAMES)]
        region.append(f"{frame} ", style="cyan")
        region.append(self.tally.status(), style="dim")
        return region

    def _redraw(self, *, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self._drawn >= MIN_REDRAW:
            if self._later is not None:
                self._later.cancel()
                self._later = None
            self._drawn = now
            self._live.update(self._region(), refresh=True)
        elif self._later is None:  # too soon: draw when MIN_REDRAW has passed
            wait = self._drawn + MIN_REDRAW - now
            self._later = asyncio.get_running_loop().call_later(wait, self._draw_later)

    def _draw_later(self) -> None:
        self._later = None
        self._redraw(force=True)

    def _print(self, *printed: Text) -> None:
        """Print ``printed`` above the region, the region already showing what is left."""
        self._live.update(self._region(), refresh=False)
        self._console.print(Text("\n").join(printed), highlight=False)

    # -- what the renderer draws -------------------------------------------------------

    def text(self, fragment: str, *, refusal: bool = False) -> None:
        """Add ``fragment`` to the line being written; print the lines it ended (rule 3)."""
        style = _STYLES[refusal]
        if style != self._style and self._pending:
            self.end_text()
        self._style = style
        pending = self._pending + fragment
        ended: list[Text] = []
        if "\n" in fragment:
            before, _, pending = pending.rpartition("\n")
            ended.append(Text(before, style=style))
        lines = Text(pending, style=style).wrap(self._console, self._console.width)
        if len(lines) > 1:
            ended.extend(lines[:-1])
            pending = lines[-1].plain
        self._pending = pending
        if ended:
            self._print(*ended)
        else:
            self._redraw()

    def end_text(self) -> None:
        """Print the line being written, if any."""
        if self._pending:
            ended, self._pending = Text(self._pending, style=self._style), ""
            self._print(ended)

    def preview(self, call: ToolCall) -> None:
        """Show ``call`` in the live region until it is done."""
        self._call = call
        self._redraw()

    def tool(self, view: ToolView) -> None:
        """Print the finished call: its name and arguments, its code, its outputs."""
        self.end_text()
        self._call = None
        block = _heading(view)
        for line in view.code:
            block.append(f"\n  │ {line}", style=_CODE)
        for line in view.outputs:
            block.append(f"\n  ↳ {line}", style=_OUTPUT)
        self._print(block)

    def output(self, name: str, output: str) -> None:
        """Print what the local function ``name`` returned, under its call."""
        self.end_text()
        lines = output.splitlines() or [""]
        shown = Text.assemble(("  ↳ ", _OUTPUT), (f"{name}: ", _ARGS), (lines[0], _OUTPUT))
        for line in lines[1:]:
            shown.append(f"\n    {line}", style=_OUTPUT)
        self._print(shown)

    def note(self, line: str) -> None:
        """Print ``line`` on its own."""
        self.end_text()
        self._print(Text(line, style=_NOTE))

    def summary(self, line: str) -> None:
        """Print the summary (after the live region is gone)."""
        self._console.print(Text(line, style="dim"), highlight=False)


def _heading(view: ToolView) -> Text:
    heading = Text.assemble(("⚙ ", _TOOL), (view.title, _TOOL))
    if view.arguments:
        heading.append(f" {view.arguments}", style=_ARGS)
    return heading


def _preview(view: ToolView) -> Text:
    preview = _heading(view)
    preview.no_wrap, preview.overflow = True, "ellipsis"
    for line in view.code[-PREVIEW_LINES:]:
        preview.append(f"\n  │ {line}", style=_CODE)
    return preview
