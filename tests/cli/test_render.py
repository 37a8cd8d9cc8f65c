"""Tests of ``assistant_stream._cli._render``, ``_live`` and ``_views``: what a stream shows."""

from __future__ import annotations

import asyncio
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from builders import (
    body,
    code_patch,
    function_call,
    function_patch,
    message,
    message_delta,
    run,
    step,
    step_delta,
    text,
    text_patch,
)
from rich.console import Console
from shared_data import recordings, requires_recordings

from assistant_stream import replay
from assistant_stream import types as t
from assistant_stream._cli import _views
from assistant_stream._cli._live import MIN_REDRAW, TICK, LiveScreen
from assistant_stream._cli._render import PlainScreen, Renderer, Screen, open_screen
from assistant_stream._cli._views import Tally, ToolView, one_line, tool_view
from assistant_stream.accumulate import FinalRun
from assistant_stream.types import run_step as rs
from assistant_stream.types.message import TextContentBlock
from assistant_stream.types.run import Run

#: The terminal controls rich writes: erase line, cursor up, show or hide the cursor.
CONTROL = re.compile(r"\x1b\[(\d*)([A-Za-z])|\x1b\[\?25[hl]|\r|\n|[^\x1b\r\n]+")

CODE = "x = 2 ** 10\nprint(x)"
CITE = {
    "type": "file_citation",
    "text": "[1]",
    "file_citation": {"file_id": "file-1"},
    "start_index": 5,
    "end_index": 8,
}
#: A run that calls a function (with its output), runs code, then answers with a citation.
BODY = body(
    ("thread.run.created", run("queued")),
    ("thread.run.step.created", step("step_1")),
    ("thread.run.step.delta", step_delta("step_1", function_patch(0, "", call_id="c1", name="f"))),
    ("thread.run.step.delta", step_delta("step_1", function_patch(0, '{"city":'))),
    ("thread.run.step.delta", step_delta("step_1", function_patch(0, '"Paris"}'))),
    ("thread.run.step.delta", step_delta("step_1", code_patch(1, CODE, call_id="c2"))),
    (
        "thread.run.step.completed",
        step(
            "step_1",
            "completed",
            [
                function_call("c1", "f", '{"city":"Paris"}', "18 C"),
                {
                    "id": "c2",
                    "type": "code_interpreter",
                    "code_interpreter": {
                        "input": CODE,
                        "outputs": [{"type": "logs", "logs": "1024"}],
                    },
                },
            ],
        ),
    ),
    ("thread.message.created", message("msg_1")),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, "It is"))),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, " 18 C"))),
    ("thread.message.delta", message_delta("msg_1", text_patch(0, " in Paris."))),
    ("thread.message.completed", message("msg_1", "completed", [text("It is 18 C", [CITE])])),
    ("thread.run.completed", run("completed")),
)

PLAIN = """\
[tool call] f {"city": "Paris"}
[tool call] code_interpreter
    x = 2 ** 10
    print(x)
[tool output] 1024
[tool output] f: 18 C
It is 18 C in Paris.
  [1] cites file file-1
"""


async def render(source: Any, screen: Screen) -> FinalRun:
    """Replay ``source`` onto ``screen``; the stream's last run."""
    async with screen:
        screen.tally.start()
        async with replay(source, Renderer(screen)) as stream:
            final = await stream.get_final_run()
    screen.summary(screen.tally.summary(final))
    return final


def plain() -> tuple[PlainScreen, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return PlainScreen(Tally(), out, err), out, err


def terminal(width: int = 80) -> tuple[Console, io.StringIO]:
    file = io.StringIO()
    return Console(file=file, force_terminal=True, width=width, color_system=None), file


def screen_text(file: io.StringIO) -> str:
    """What a terminal shows, scrollback included: the output played on a tiny terminal."""
    lines, row = [""], 0
    for match in CONTROL.finditer(file.getvalue()):
        piece, count, code = match[0], match[1], match[2]
        if piece == "\n":
            row += 1
            lines.extend([""] * (row + 1 - len(lines)))
        elif code == "A":
            row -= int(count or 1)
        elif code == "K":
            lines[row] = ""
        elif piece != "\r" and not piece.startswith("\x1b"):
            lines[row] += piece  # rich writes whole lines after \r and erase
    return "\n".join(lines)


# -- plain text ---------------------------------------------------------------------------


async def test_plain_text_shows_text_tool_calls_and_outputs_as_lines() -> None:
    """Text as it came, each call as a line with its code and outputs, the summary on err."""
    screen, out, err = plain()
    await render(BODY, screen)
    assert PLAIN == out.getvalue()
    assert err.getvalue().startswith("run completed · ")
    assert " · 14 events · first token " in err.getvalue()
    assert "3 tokens (text deltas)" in err.getvalue()


async def test_plain_text_streams_each_delta_at_once() -> None:
    """Each delta is written (and flushed) when it arrives, not at the end of the block."""
    screen, out, _ = plain()
    seen: list[str] = []

    class Spy(Renderer):
        def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            super().on_text_delta(delta, snapshot)
            seen.append(out.getvalue().rsplit("\n", 1)[-1])

    async with screen, replay(BODY, Spy(screen)) as stream:
        await stream.until_done()
    assert ["It is", "It is 18 C", "It is 18 C in Paris."] == seen


async def test_plain_text_marks_a_refusal_and_ends_it_with_a_line() -> None:
    """A refusal begins with [refusal]; the next line starts on its own."""
    screen, out, _ = plain()
    refusal = {"index": 0, "type": "refusal", "refusal": "I can't"}
    await render(
        body(
            ("thread.message.created", message("msg_1")),
            ("thread.message.delta", message_delta("msg_1", refusal)),
            ("thread.message.completed", message("msg_1", "completed")),
            ("thread.run.completed", run("completed")),
        ),
        screen,
    )
    assert "[refusal] I can't\n" == out.getvalue()


async def test_a_step_answered_elsewhere_shows_its_calls_and_outputs_once() -> None:
    """A submit's stream learns of a call and its output from the step's end only."""
    screen, out, _ = plain()
    await render(
        body(
            (
                "thread.run.step.completed",
                step("s", "completed", [function_call("c", "f", "{}", "ok")]),
            ),
            ("thread.run.completed", run("completed")),
        ),
        screen,
    )
    assert "[tool call] f {}\n[tool output] ok\n" == out.getvalue()  # shown with its call


@requires_recordings
@pytest.mark.parametrize("path", recordings(), ids=lambda path: path.name)
async def test_every_recording_renders_all_its_text(path: Path) -> None:
    """The text of every message of a recording appears in the plain output, whole."""
    screen, out, err = plain()
    async with replay(path) as stream:
        messages = await stream.get_final_messages()
    await render(path, screen)
    values = [
        block.text.value
        for message_ in messages
        for block in message_.content
        if isinstance(block, TextContentBlock) and block.text and block.text.value
    ]
    for value in values:
        assert value in out.getvalue()
    assert err.getvalue().startswith("run ")


# -- the live terminal -------------------------------------------------------------------


async def test_live_screen_leaves_text_calls_outputs_and_summary_in_the_scrollback() -> None:
    """In a terminal, what ends up printed is the run, then the summary (no status line)."""
    console, file = terminal()
    await render(BODY, LiveScreen(Tally(), console=console))
    shown = screen_text(file)
    for expected in (
        '⚙ f {"city": "Paris"}',
        "↳ f: 18 C",
        "⚙ code_interpreter",
        "│ print(x)",
        "↳ 1024",
        "It is 18 C in Paris.",
        "[1] cites file file-1",
        "14 events",
    ):
        assert expected in shown
    assert shown.index("It is 18 C") < shown.index("run completed")
    assert "starting" not in shown  # the status line is gone
    assert "streaming" not in shown


async def test_live_screen_prints_each_wrapped_line_once_and_keeps_the_words() -> None:
    """Long text is wrapped at the width; every word is printed once, in order."""
    console, file = terminal(width=30)
    screen = LiveScreen(Tally(), console=console)
    words = [f"word{index}" for index in range(60)]
    async with screen:
        for word in words:
            screen.text(f"{word} ")
        screen.end_text()
    printed = [line for line in screen_text(file).splitlines() if line.startswith("word")]
    assert all(len(line) <= 30 for line in printed)
    assert words == " ".join(printed).split()


async def test_live_screen_prints_the_lines_before_a_newline_at_once() -> None:
    """Text before a newline is final: it is printed when the newline arrives."""
    console, file = terminal()
    screen = LiveScreen(Tally(), console=console)
    async with screen:
        screen.text("first line\nsecond")
        assert "first line\n" in screen_text(file)
        screen.end_text()
    assert "second\n" in screen_text(file)


async def test_live_status_line_is_drawn_while_streaming_and_gone_at_the_end() -> None:
    """The status line shows the counts while the stream runs; it is transient."""
    console, file = terminal()
    screen = LiveScreen(Tally(), console=console)
    async with screen:
        screen.tally.start()
        screen.tally.events = 7
        screen.text("hi")
        await asyncio.sleep(1.5 * TICK)  # a tick of the status line
        assert re.search(r"streaming · [0-9.]+ s · 7 events", screen_text(file))
    assert "hi" == screen_text(file).strip()


async def test_live_screen_draws_a_change_it_put_off_within_min_redraw() -> None:
    """A change right after a redraw is drawn once MIN_REDRAW has passed, not at the tick."""
    assert 2 * MIN_REDRAW < TICK
    console, file = terminal()
    screen = LiveScreen(Tally(), console=console)
    async with screen:  # draws at once
        screen.text("soon")
        assert "soon" not in screen_text(file)
        await asyncio.sleep(2 * MIN_REDRAW)  # less than a TICK
        assert "soon" in screen_text(file)


# -- choosing the screen ---------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_plain_text() -> None:
    """An output that is not a terminal gets the plain screen."""
    assert isinstance(open_screen(Tally(), out=io.StringIO()), PlainScreen)


def test_a_terminal_gets_the_live_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal gets the live screen, unless --plain, TERM=dumb, or rich is missing."""
    monkeypatch.setenv("TERM", "xterm-256color")
    assert isinstance(open_screen(Tally(), out=_Terminal()), LiveScreen)
    assert isinstance(open_screen(Tally(), out=_Terminal(), plain=True), PlainScreen)
    monkeypatch.setenv("TERM", "dumb")
    assert isinstance(open_screen(Tally(), out=_Terminal()), PlainScreen)


def test_without_rich_a_terminal_gets_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """With rich not installed (the cli extra left out), the output is plain text."""
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delitem(sys.modules, "assistant_stream._cli._live")
    monkeypatch.setitem(sys.modules, "rich", None)
    monkeypatch.setitem(sys.modules, "rich.console", None)
    assert isinstance(open_screen(Tally(), out=_Terminal()), PlainScreen)


@requires_recordings
def test_plain_output_imports_neither_rich_nor_aiohttp() -> None:
    """A replay to a pipe loads no rich and no aiohttp (import time, rule 2)."""
    path = recordings()[0]
    code = (
        "import sys; from assistant_stream._cli import main; "
        f"assert main(['replay', {str(path)!r}]) == 0; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'aiohttp')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "[]" == result.stdout.splitlines()[-1]


# -- views and counts --------------------------------------------------------------------


def test_every_kind_of_tool_call_has_a_view() -> None:
    """The view table covers every member of the ToolCall union."""
    assert set(rs.ToolCall.__args__) == set(_views.VIEWS)  # type: ignore[attr-defined]


def test_views_of_each_kind() -> None:
    """Function, code, file search and unknown calls show their name, input and outputs."""
    function = rs.FunctionToolCall(
        id="c", function=rs.FunctionCall(name="f", arguments='{"a":1}', output="ok")
    )
    assert ToolView("f", '{"a": 1}', outputs=("ok",)) == tool_view(function)
    image = rs.CodeInterpreterOutputImage(image=rs.CodeInterpreterImage(file_id="file-9"))
    code = rs.CodeInterpreterToolCall(
        code_interpreter=rs.CodeInterpreter(input="a\nb", outputs=(image,))
    )
    assert ToolView("code_interpreter", code=("a", "b"), outputs=("[image file-9]",)) == tool_view(
        code
    )
    search = rs.FileSearchToolCall(
        file_search=rs.FileSearch(results=(rs.FileSearchResult(file_name="a.txt", score=0.5),))
    )
    assert ToolView("file_search", "1 result", outputs=("a.txt (score 0.50)",)) == tool_view(search)
    azure = rs.UnknownToolCall(
        type="azure_function",
        id="c",
        raw={"azure_function": {"name": "foo", "arguments": "{}", "output": "Bar"}},
    )
    assert ToolView("azure_function foo", "{}", outputs=("Bar",)) == tool_view(azure)
    assert ToolView("bing") == tool_view(rs.UnknownToolCall(type="bing", id="c", raw={}))


def test_views_of_azure_kinds() -> None:
    """Azure calls show their type and name, their arguments, input or request, and output."""
    function = t.AzureFunctionToolCall(
        azure_function=t.AzureFunction(name="foo", arguments='{"q": 1}', output="Bar")
    )
    mcp = t.McpToolCall(name="fetch", arguments="{}", server_label="github")
    search = t.AzureAISearchToolCall(azure_ai_search=t.AzureAISearch(input="q", output="a\nb"))
    bing = t.BingGroundingToolCall(bing_grounding=t.BingGrounding(requesturl="https://b/?q=x"))
    expected = [
        ToolView("azure_function foo", '{"q": 1}', outputs=("Bar",)),
        ToolView("mcp fetch", "{}"),
        ToolView("azure_ai_search", "q", outputs=("a", "b")),
        ToolView("bing_grounding", "https://b/?q=x"),
        ToolView("deep_research"),
    ]
    calls = [function, mcp, search, bing, t.DeepResearchToolCall()]
    assert expected == [tool_view(call) for call in calls]


def test_one_line_makes_json_compact_and_escapes_other_newlines() -> None:
    """Arguments are shown on one line whatever their layout."""
    assert '{"a": [1, 2]}' == one_line('{\n  "a": [1,\n 2]\n}')
    assert "not json\\nat all" == one_line("not json\nat all")


def test_tally_status_and_summary() -> None:
    """Text deltas are counted as tokens; the summary names status, events, times."""
    tally = Tally()
    assert "starting" == tally.status()
    tally.start(10.0)
    tally.events = 5
    for now in (10.5, 11.0, 11.5):
        tally.delta(now)
    assert "streaming · 1.5 s · 5 events · 2 tok/s" == tally.status(11.5)
    final = FinalRun(
        run=Run(id="run_1", status="completed"), ended=True, event="thread.run.completed"
    )
    expected = (
        "run completed · 2.50 s · 5 events · first token 0.50 s · 3 tokens (text deltas), 2/s"
    )
    assert expected == tally.summary(final, 12.5)
    assert "run no run · 0.00 s · 0 events · 0 tokens (text deltas)" == Tally().summary(None)
