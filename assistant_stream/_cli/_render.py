"""The renderer: a stream's callbacks drawn on a screen, live in a terminal or as plain text.

Rule 1 - one handler, two screens. ``Renderer`` is the ``EventHandler`` every command gives
its stream. It turns callbacks into the few things a ``Screen`` does: write text as it
arrives, end a block of text, preview a tool call while it streams, show it once it is
done, show a tool's output, write a note and, at the end, the summary. ``PlainScreen``
writes them to files as plain text; ``_live.LiveScreen`` draws them with rich, under a
status line. The renderer also keeps the stream's ``Tally`` (``_views``).

Rule 2 - rich is imported only for a terminal. ``open_screen`` picks the live screen when
the output is a terminal (not ``TERM=dumb``), plain text was not asked for, and rich is
installed (the ``cli`` extra); only then is ``_live``, and rich with it, imported.
Anywhere else the output is plain text, so pipes, files and tests see the same lines
whether rich is installed or not.

Rule 3 - plain text is made for pipes. Text goes to stdout as it arrives, flushed at every
delta. A tool call is one line, ``[tool call] name {arguments}``, then its code indented
by four spaces and its outputs, ``[tool output] line`` (several lines: indented under a
bare ``[tool output]``); a function's output, which may come later, is ``[tool output]
name: output``. A refusal starts with ``[refusal]``. Notes are lines of their own. The
summary goes to stderr, so ``assistant-stream run ... > answer.txt`` keeps only the run.
"""

from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import TYPE_CHECKING, Final, Protocol, TextIO

from assistant_stream.handler import EventHandler
from assistant_stream.types.run_step import ToolCallsStepDetails

from ._views import Tally, ToolView, citation, tool_view

if TYPE_CHECKING:
    from assistant_stream._required import RequiredToolCall
    from assistant_stream.events import AssistantStreamEvent
    from assistant_stream.types.message import ImageFile, ImageURL, RefusalContentBlock, Text
    from assistant_stream.types.message_delta import TextDelta
    from assistant_stream.types.run_step import RunStep, ToolCall
    from assistant_stream.types.run_step_delta import ToolCallDelta

__all__ = ["PlainScreen", "Renderer", "Screen", "open_screen"]

#: Terminals that cannot move the cursor, so cannot redraw a live region.
DUMB_TERMINALS: Final = frozenset({"dumb", "unknown"})


class Screen(Protocol):
    """What a renderer draws on (rule 1). ``async with`` it while the stream runs.

    Attributes:
        tally: the counts of the stream drawn on it (the status line shows them).
    """

    tally: Tally

    async def __aenter__(self) -> Screen: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def text(self, fragment: str, *, refusal: bool = False) -> None:
        """Write a fragment of text (or of a refusal) as it arrived."""

    def end_text(self) -> None:
        """End the block of text being written, if any."""

    def preview(self, call: ToolCall) -> None:
        """Show ``call`` as it streams (its latest snapshot); it may still change."""

    def tool(self, view: ToolView) -> None:
        """Show a finished tool call."""

    def output(self, name: str, output: str) -> None:
        """Show the output a local function gave the call of ``name``."""

    def note(self, line: str) -> None:
        """Write a line of its own (an image, a citation, what the command did)."""

    def summary(self, line: str) -> None:
        """Write the summary, once the stream ended."""


class Renderer(EventHandler):
    """The handler that draws a stream on ``screen`` and counts it in its tally (rule 1).

    Args:
        screen: where to draw.
    """

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.tally = screen.tally
        self._shown: set[str] = set()  # ids of the tool calls shown
        self._answered: set[str] = set()  # ids of the tool calls whose output was shown

    def on_event(self, event: AssistantStreamEvent) -> None:
        self.tally.events += 1

    def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        if delta.value:
            self.tally.delta()
            self.screen.text(delta.value)

    def on_text_done(self, text: Text) -> None:
        self.screen.end_text()
        for annotation in text.annotations:
            line = citation(annotation)
            if line is not None:
                self.screen.note(f"  {line}")

    def on_refusal_delta(self, delta: str, snapshot: RefusalContentBlock) -> None:
        if delta:
            self.screen.text(delta, refusal=True)

    def on_refusal_done(self, refusal: RefusalContentBlock) -> None:
        self.screen.end_text()

    def on_tool_call_created(self, tool_call: ToolCall) -> None:
        self.screen.preview(tool_call)

    def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
        self.screen.preview(snapshot)

    def on_tool_call_done(self, tool_call: ToolCall) -> None:
        view = tool_view(tool_call)
        self._note_shown(tool_call, view)
        self.screen.tool(view)

    def on_tool_output(self, call: RequiredToolCall, output: str) -> None:
        self._answered.add(call.id)
        self.screen.output(call.name, output)

    def on_run_step_done(self, run_step: RunStep) -> None:
        """Show what the step's end tells and nothing showed yet.

        A stream that continues a run (a submit's, or a replay of one) learns of the calls
        answered elsewhere, and their outputs, only from the step's terminal object.
        """
        details = run_step.step_details
        if not isinstance(details, ToolCallsStepDetails):
            return
        for call in details.tool_calls:
            view = tool_view(call)
            if call.id is None or call.id in self._answered or not view.outputs:
                continue
            if call.id in self._shown:
                self.screen.output(view.title, "\n".join(view.outputs))
            else:
                self.screen.tool(view)
            self._note_shown(call, view)

    def _note_shown(self, call: ToolCall, view: ToolView) -> None:
        if call.id is not None:
            self._shown.add(call.id)
            if view.outputs:
                self._answered.add(call.id)

    def on_image_file_done(self, image_file: ImageFile) -> None:
        self.screen.note(f"[image {image_file.file_id or '(no file id)'}]")

    def on_image_url_done(self, image_url: ImageURL) -> None:
        self.screen.note(f"[image {image_url.url or '(no url)'}]")


class PlainScreen:
    """Plain text for pipes and files (rule 3).

    Args:
        tally: the counts of the stream (plain text shows no status line).
        out: where the run goes (stdout).
        err: where the summary goes (stderr).
    """

    def __init__(self, tally: Tally, out: TextIO, err: TextIO) -> None:
        self.tally = tally
        self._out = out
        self._err = err
        self._at_line_start = True
        self._refusing = False

    async def __aenter__(self) -> PlainScreen:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.end_text()

    def _write(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()

    def _lines(self, lines: list[str]) -> None:
        self.end_text()
        self._write("".join(f"{line}\n" for line in lines))

    def text(self, fragment: str, *, refusal: bool = False) -> None:
        """Write ``fragment`` as it is (a refusal begins with ``[refusal]``)."""
        if refusal and not self._refusing:
            self.end_text()
            self._refusing = True
            fragment = f"[refusal] {fragment}"
        self._write(fragment)
        self._at_line_start = fragment.endswith("\n")

    def end_text(self) -> None:
        """End the line being written, if it is not ended."""
        if not self._at_line_start:
            self._write("\n")
            self._at_line_start = True
        self._refusing = False

    def preview(self, call: ToolCall) -> None:
        """Nothing: plain text shows a call once it is done."""

    def tool(self, view: ToolView) -> None:
        """``[tool call] name arguments``, its code indented, then its outputs."""
        head = f"[tool call] {view.title} {view.arguments}".rstrip()
        code = (f"    {line}".rstrip() for line in view.code)
        self._lines([head, *code, *_outputs(view.outputs)])

    def output(self, name: str, output: str) -> None:
        """``[tool output] name: output`` (indented under it when it has several lines)."""
        lines = output.splitlines() or [""]
        if len(lines) == 1:
            self._lines([f"[tool output] {name}: {lines[0]}".rstrip()])
        else:
            self._lines([f"[tool output] {name}:", *(f"    {line}".rstrip() for line in lines)])

    def note(self, line: str) -> None:
        """``line`` on a line of its own."""
        self._lines([line])

    def summary(self, line: str) -> None:
        """``line`` on stderr."""
        self.end_text()
        self._err.write(f"{line}\n")
        self._err.flush()


def _outputs(lines: tuple[str, ...]) -> list[str]:
    if not lines:
        return []
    if len(lines) == 1:
        return [f"[tool output] {lines[0]}".rstrip()]
    return ["[tool output]", *(f"    {line}".rstrip() for line in lines)]


def wants_live(out: TextIO, *, plain: bool = False) -> bool:
    """Whether ``out`` should get the live screen, rich permitting (rule 2)."""
    if plain or os.environ.get("TERM", "") in DUMB_TERMINALS:
        return False
    isatty = getattr(out, "isatty", None)
    return bool(isatty is not None and isatty())


def open_screen(
    tally: Tally, *, plain: bool = False, out: TextIO | None = None, err: TextIO | None = None
) -> Screen:
    """The screen for this output (rule 2): live in a terminal with rich, else plain text.

    Args:
        tally: the counts the live screen's status line shows.
        plain: plain text even in a terminal.
        out: where the run goes; default ``sys.stdout``.
        err: where plain text's summary goes; default ``sys.stderr``.
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    if wants_live(out, plain=plain):
        try:
            from ._live import LiveScreen
        except ImportError as error:  # the cli extra is not installed: plain text
            if not (error.name or "").startswith("rich"):
                raise
        else:
            return LiveScreen(tally, file=out)
    return PlainScreen(tally, out, err)
