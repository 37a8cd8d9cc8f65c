"""Replay a recorded Assistants stream through an ``EventHandler``, offline.

``client_sample.py`` streams the same run over HTTP, from the embedded server, with this
module's handler.

The handler below is the kind a chat bot or a terminal client writes: it prints the answer
as it streams (``on_text_delta``), shows the code a code interpreter runs as it arrives
(``on_tool_call_delta``, which also receives the first chunk), summarises each finished
tool call with its outputs (``on_tool_call_done``), and reports how the run ended. The
stream comes from ``examples/data/sample-run.sse`` (a create-and-run stream written for this
project: a code interpreter step, then a streamed answer), read in small chunks, as a
network would deliver it.

Run it with ``python examples/replay_sample.py [PATH] [--chunk-size N]``. Point it at any
recorded ``.sse`` body, for example one saved with ``curl -N``.
"""

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from assistant_stream import EventHandler, __version__, replay
from assistant_stream.types import (
    CodeInterpreterOutputImage,
    CodeInterpreterOutputLogs,
    CodeInterpreterToolCall,
    CodeInterpreterToolCallDelta,
    ErrorObject,
    FunctionToolCall,
    Run,
    RunStep,
    Text,
    TextDelta,
    Thread,
    ToolCall,
    ToolCallDelta,
)

SAMPLE = Path(__file__).with_name("data") / "sample-run.sse"


class PrintingHandler(EventHandler):
    """Prints the answer as it streams and one summary line per tool call."""

    def __init__(self, out: "Printer") -> None:
        self.out = out
        self.tool_calls = 0

    async def on_thread_created(self, thread: Thread) -> None:
        self.out.line(f"[thread {thread.id}]")

    async def on_run_created(self, run: Run) -> None:
        self.out.line(f"[run {run.id} created, model {run.model}]")

    async def on_run_step_created(self, run_step: RunStep) -> None:
        self.out.line(f"[step {run_step.id}: {run_step.type}]")

    async def on_tool_call_created(self, tool_call: ToolCall) -> None:
        self.tool_calls += 1
        self.out.line(f"  {tool_call.type} call {tool_call.id} started; code:")

    async def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
        if isinstance(delta, CodeInterpreterToolCallDelta) and delta.code_interpreter:
            self.out.write(delta.code_interpreter.input or "", indent="    | ")

    async def on_tool_call_done(self, tool_call: ToolCall) -> None:
        self.out.end_line()
        self.out.line(f"  {tool_call.type} call {tool_call.id} done: {summarise(tool_call)}")

    async def on_text_created(self, text: Text) -> None:
        self.out.line("assistant> ", end="")

    async def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        self.out.write(delta.value or "")

    async def on_text_done(self, text: Text) -> None:
        self.out.end_line()
        self.out.line(f"[text done: {len(text.value or '')} characters]")

    async def on_run_completed(self, run: Run) -> None:
        usage = run.usage
        tokens = f", {usage.total_tokens} tokens" if usage is not None else ""
        self.out.line(f"[run {run.status}{tokens}, {self.tool_calls} tool call(s)]")

    async def on_error(self, error: ErrorObject) -> None:
        self.out.line(f"[server error: {error.message}]")


def summarise(tool_call: ToolCall) -> str:
    """One line about a finished tool call: its size and outputs."""
    if isinstance(tool_call, CodeInterpreterToolCall) and tool_call.code_interpreter:
        code = tool_call.code_interpreter
        outputs = []
        for output in code.outputs:
            if isinstance(output, CodeInterpreterOutputLogs):
                outputs.append(f"logs {(output.logs or '').strip()!r}")
            elif isinstance(output, CodeInterpreterOutputImage) and output.image:
                outputs.append(f"image {output.image.file_id}")
        lines = len((code.input or "").splitlines())
        return f"{lines} line(s) of code; " + ("; ".join(outputs) or "no output")
    if isinstance(tool_call, FunctionToolCall) and tool_call.function:
        function = tool_call.function
        return f"{function.name}({function.arguments}) -> {function.output!r}"
    return "finished"


class Printer:
    """Writes streamed text and whole lines without mixing them up."""

    def __init__(self) -> None:
        self.mid_line = False

    def write(self, text: str, indent: str = "") -> None:
        """Write streamed text (``indent`` starts each new line of it)."""
        for piece in text.splitlines(keepends=True):
            if indent and not self.mid_line:
                sys.stdout.write(indent)
            sys.stdout.write(piece)
            self.mid_line = not piece.endswith("\n")
        sys.stdout.flush()

    def end_line(self) -> None:
        """Finish the streamed line, if one is open."""
        if self.mid_line:
            sys.stdout.write("\n")
            self.mid_line = False

    def line(self, text: str, end: str = "\n") -> None:
        """Write a line of its own."""
        self.end_line()
        sys.stdout.write(text + end)
        self.mid_line = end != "\n"


async def chunks(path: Path, size: int) -> AsyncIterator[bytes]:
    """The file in pieces of ``size`` bytes, as a network would deliver them."""
    body = path.read_bytes()
    for start in range(0, len(body), size):
        yield body[start : start + size]
        await asyncio.sleep(0)  # let other tasks run, as a socket read would


async def main(path: Path, chunk_size: int) -> int:
    """Replay ``path``; return the process exit code."""
    print(f"assistant_stream {__version__}: replaying {path.name} in {chunk_size}-byte chunks")
    handler = PrintingHandler(Printer())
    async with replay(chunks(path, chunk_size), handler) as stream:
        await stream.until_done()
        final = await stream.get_final_run()
    status = final.run.status if final.run is not None else "no run"
    print(f"final run: {status} (ended: {final.ended})")
    return 0 if final.ended else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--chunk-size", type=int, default=64)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.path, args.chunk_size)))
