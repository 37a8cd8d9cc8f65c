"""What the command line says about a stream, as text: tool calls, the status line, the summary.

Rule 1 - a tool call is shown as a ``ToolView``, a frozen value with a title, its arguments
on one line, the code it runs and its outputs. One function per kind of call makes it, chosen
from ``VIEWS`` by the call's class; a kind this version does not know shows its ``type``.
Both screens (``_render``) draw the same views, so plain text and the terminal never
disagree about what a call did.

Rule 2 - the figures are counted, never estimated. ``Tally`` counts events and text deltas
and notes when the first and last text delta arrived. The service does not stream token
counts, so a text delta is counted as one token: the status line says ``tok/s`` and the
summary says ``text deltas``, and both are the number of deltas (a delta is about one token
on OpenAI's service; other servers may send larger ones).

No I/O: the screens write what these functions return.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from assistant_stream._azure_calls import ROWS
from assistant_stream.types.message import (
    Annotation,
    FileCitationAnnotation,
    FilePathAnnotation,
    URLCitationAnnotation,
)
from assistant_stream.types.run_step import (
    CodeInterpreterOutputImage,
    CodeInterpreterOutputLogs,
    CodeInterpreterToolCall,
    FileSearchToolCall,
    FunctionToolCall,
    ToolCall,
    UnknownToolCall,
)

if TYPE_CHECKING:
    from assistant_stream.accumulate import FinalRun

__all__ = ["CITATIONS", "VIEWS", "Tally", "ToolView", "citation", "one_line", "tool_view"]


@attrs.frozen
class ToolView:
    """A tool call as the screens show it.

    Attributes:
        title: the function's name, or the kind of tool (``code_interpreter``).
        arguments: the function's arguments as compact JSON on one line, else ``""``.
        code: the lines of code a code interpreter runs.
        outputs: what the call returned, line by line: logs, images, search results, or a
            function's output when the step carries it.
    """

    title: str
    arguments: str = ""
    code: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()


def one_line(text: str) -> str:
    """``text`` on one line: JSON made compact, anything else with its newlines escaped."""
    try:
        value = json.loads(text)
    except ValueError:
        return text.replace("\r", "\\r").replace("\n", "\\n")
    return json.dumps(value, ensure_ascii=False)


def _function(call: FunctionToolCall) -> ToolView:
    function = call.function
    if function is None:
        return ToolView("function")
    output = function.output
    return ToolView(
        function.name or "function",
        one_line(function.arguments) if function.arguments else "",
        outputs=tuple(output.splitlines()) if output else (),
    )


def _logs(output: CodeInterpreterOutputLogs) -> tuple[str, ...]:
    return tuple((output.logs or "").splitlines())


def _image(output: CodeInterpreterOutputImage) -> tuple[str, ...]:
    file_id = output.image.file_id if output.image is not None else None
    return (f"[image {file_id or '(no file id)'}]",)


#: Each kind of code interpreter output, and its lines (other kinds show none).
_OUTPUTS: Final[Mapping[type[Any], Callable[[Any], tuple[str, ...]]]] = {
    CodeInterpreterOutputLogs: _logs,
    CodeInterpreterOutputImage: _image,
}


def _code_interpreter(call: CodeInterpreterToolCall) -> ToolView:
    code = call.code_interpreter
    if code is None:
        return ToolView("code_interpreter")
    outputs = tuple(
        line for output in code.outputs for line in _OUTPUTS.get(type(output), _no_lines)(output)
    )
    return ToolView(
        "code_interpreter", code=tuple((code.input or "").splitlines()), outputs=outputs
    )


def _no_lines(output: object) -> tuple[str, ...]:
    return ()


def _file_search(call: FileSearchToolCall) -> ToolView:
    results = (call.file_search.results or ()) if call.file_search else ()
    lines = tuple(
        f"{result.file_name or result.file_id or '?'}"
        + (f" (score {result.score:.2f})" if result.score is not None else "")
        for result in results
    )
    return ToolView(
        "file_search", f"{len(results)} result{'s' * (len(results) != 1)}", outputs=lines
    )


def _unknown(call: UnknownToolCall) -> ToolView:
    """A kind this version does not know, with what it holds under its type's key.

    A kind shaped like Azure's ``azure_function`` keeps ``name``, ``arguments`` and
    ``output`` there.
    """
    inner = call.raw.get(call.type)
    if not isinstance(inner, Mapping):
        return ToolView(call.type)
    name, arguments, output = (inner.get(key) for key in ("name", "arguments", "output"))
    return ToolView(
        f"{call.type} {name}" if isinstance(name, str) and name else call.type,
        one_line(arguments) if isinstance(arguments, str) and arguments else "",
        outputs=tuple(output.splitlines()) if isinstance(output, str) else (),
    )


#: Each Azure AI Agents kind of call, and the key of its details (``None``: flat).
_AZURE_DETAILS: Final = {row.call: row.detail for row in ROWS}


def _azure(call: Any) -> ToolView:
    """An Azure AI Agents call: its name, its arguments (or input, or request), its output."""
    detail = _AZURE_DETAILS[type(call)]
    inner = call if detail is None else getattr(call, detail)
    if inner is None:
        return ToolView(call.type)
    name = getattr(inner, "name", None)
    arguments = next(
        (
            value
            for key in ("arguments", "input", "requesturl")
            if (value := getattr(inner, key, None))
        ),
        "",
    )
    output = getattr(inner, "output", None)
    return ToolView(
        f"{call.type} {name}" if name else call.type,
        one_line(arguments) if arguments else "",
        outputs=tuple(output.splitlines()) if isinstance(output, str) else (),
    )


#: Each kind of tool call, and the function that shows it (rule 1).
VIEWS: Final[Mapping[type[Any], Callable[[Any], ToolView]]] = {
    FunctionToolCall: _function,
    CodeInterpreterToolCall: _code_interpreter,
    FileSearchToolCall: _file_search,
    **dict.fromkeys(_AZURE_DETAILS, _azure),
    UnknownToolCall: _unknown,
}


def tool_view(call: ToolCall) -> ToolView:
    """The view of ``call`` (rule 1)."""
    view = VIEWS.get(type(call))
    return view(call) if view is not None else ToolView(getattr(call, "type", "tool"))


def _file_citation(annotation: FileCitationAnnotation) -> str:
    cited = annotation.file_citation
    return f"{annotation.text or '?'} cites file {(cited.file_id if cited else None) or '?'}"


def _file_path(annotation: FilePathAnnotation) -> str:
    path = annotation.file_path
    return f"{annotation.text or '?'} links file {(path.file_id if path else None) or '?'}"


def _url_citation(annotation: URLCitationAnnotation) -> str:
    cited = annotation.url_citation
    return f"{annotation.text or '?'} cites {(cited.url if cited else None) or '?'}"


#: Each kind of annotation shown under its text, and the line that shows it.
CITATIONS: Final[Mapping[type[Any], Callable[[Any], str]]] = {
    FileCitationAnnotation: _file_citation,
    FilePathAnnotation: _file_path,
    URLCitationAnnotation: _url_citation,
}


def citation(annotation: Annotation) -> str | None:
    """The line shown for ``annotation`` under its text, or ``None`` for other kinds."""
    line = CITATIONS.get(type(annotation))
    return line(annotation) if line is not None else None


class Tally:
    """What one stream delivered so far, counted (rule 2); the renderer is its one writer.

    Attributes:
        started: when the stream started (``start()``), on ``time.perf_counter()``'s
            clock, or ``None`` before.
        events: every event delivered, ``done`` frames included.
        deltas: text deltas with text, each counted as a token.
        first_delta: when the first text delta arrived, or ``None``.
        last_delta: when the latest text delta arrived, or ``None``.
    """

    __slots__ = ("deltas", "events", "first_delta", "last_delta", "started")

    def __init__(self) -> None:
        self.started: float | None = None
        self.events = 0
        self.deltas = 0
        self.first_delta: float | None = None
        self.last_delta: float | None = None

    def start(self, now: float | None = None) -> None:
        """Note that the stream starts ``now`` (default: the clock's time)."""
        self.started = time.perf_counter() if now is None else now

    def delta(self, now: float | None = None) -> None:
        """Count one text delta, arrived ``now`` (default: the clock's time)."""
        now = time.perf_counter() if now is None else now
        if self.first_delta is None:
            self.first_delta = now
        self.last_delta = now
        self.deltas += 1

    def rate(self, now: float) -> float | None:
        """Text deltas per second since the first, or ``None`` before there is a rate."""
        if self.first_delta is None or now <= self.first_delta or self.deltas < 2:
            return None
        return (self.deltas - 1) / (now - self.first_delta)

    def status(self, now: float | None = None) -> str:
        """The status line shown while the stream runs: elapsed time, events, tokens/s."""
        if self.started is None:
            return "starting"
        now = time.perf_counter() if now is None else now
        rate = self.rate(now)
        shown = f" · {rate:.0f} tok/s" if rate is not None else ""
        return f"streaming · {now - self.started:.1f} s · {self.events} events{shown}"

    def summary(self, final: FinalRun | None, now: float | None = None) -> str:
        """The line shown at the end: the run's status, events, first token, duration.

        Args:
            final: the stream's last run, or ``None`` when it did not get that far.
            now: when the stream ended (default: the clock's time).
        """
        now = time.perf_counter() if now is None else now
        started = now if self.started is None else self.started
        run = final.run if final is not None else None
        status = (run.status or "unknown") if run is not None else "no run"
        parts = [f"run {status}", f"{now - started:.2f} s", f"{self.events} events"]
        if self.first_delta is not None:
            parts.append(f"first token {self.first_delta - started:.2f} s")
        tokens = f"{self.deltas} tokens (text deltas)"
        rate = self.rate(self.last_delta) if self.last_delta is not None else None
        parts.append(tokens if rate is None else f"{tokens}, {rate:.0f}/s")
        return " · ".join(parts)
