"""Decode a recorded Assistants stream, chunk by chunk, into typed events.

The wire layer alone, with no handler (``client_sample.py`` streams it over HTTP). It feeds
``examples/data/sample-run.sse`` (a create-and-run stream written for this project: a code
interpreter step, then a streamed answer) to ``SSEDecoder`` in small pieces, as a network
would deliver it, turns every event into a typed object with ``decode_event``, prints one
line per event, and ends with the final text of the completed message.

Run it with ``python examples/decode_sample.py [PATH] [--chunk-size N]``.
"""

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant_stream import (
    SSEDecoder,
    ThreadMessageCompleted,
    UnknownEvent,
    __version__,
    decode_event,
)
from assistant_stream.types import (
    CodeInterpreterLogs,
    CodeInterpreterToolCallDelta,
    MessageDelta,
    RunStepDelta,
    TextContentBlock,
    TextDeltaBlock,
)

SAMPLE = Path(__file__).with_name("data") / "sample-run.sse"


def describe(event: Any) -> str:
    """Say in a few words what one typed event carries."""
    data = event.data
    kind = getattr(data, "object", None)
    describe_data = DESCRIBE.get(kind)
    return describe_data(data) if describe_data else repr(data)[:60]


def _text_fragments(delta: MessageDelta) -> str:
    """The text carried by a message delta."""
    blocks = delta.content or ()
    return "".join(b.text.value or "" for b in blocks if isinstance(b, TextDeltaBlock) and b.text)


def _code_fragments(delta: RunStepDelta) -> str:
    """The code input and the logs carried by a step delta."""
    calls = getattr(delta.step_details, "tool_calls", None) or ()
    pieces = []
    for call in calls:
        if isinstance(call, CodeInterpreterToolCallDelta) and call.code_interpreter:
            pieces.append(call.code_interpreter.input or "")
            outputs = call.code_interpreter.outputs or ()
            pieces += [
                f"[logs] {out.logs}" for out in outputs if isinstance(out, CodeInterpreterLogs)
            ]
    return "".join(pieces)


DESCRIBE: dict[str | None, Callable[[Any], str]] = {
    "thread": lambda thread: thread.id,
    "thread.run": lambda run: f"{run.id} status={run.status}",
    "thread.run.step": lambda step: f"{step.id} {step.type} status={step.status}",
    "thread.message": lambda message: f"{message.id} status={message.status}",
    "thread.message.delta": lambda d: f"{d.id} {_text_fragments(d.delta)!r}",
    "thread.run.step.delta": lambda d: f"{d.id} {_code_fragments(d.delta)!r}",
}


def chunks(body: bytes, size: int) -> Iterator[bytes]:
    """Cut ``body`` into pieces of ``size`` bytes, as a network might deliver it."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--chunk-size", type=int, default=256)
    args = parser.parse_args()
    body = args.path.read_bytes()
    print(f"assistant_stream {__version__}: {args.path.name} in {args.chunk_size}-byte chunks\n")

    decoder = SSEDecoder()
    events = []
    for chunk in chunks(body, args.chunk_size):
        for sse in decoder.feed(chunk):
            event = decode_event(sse.event, sse.data)
            events.append(event)
            print(f"  {event.event:<28} {describe(event)}")
    decoder.finish()

    unknown = sum(isinstance(event, UnknownEvent) for event in events)
    ending = "an event boundary" if decoder.pending_bytes == 0 else "the middle of an event"
    print(
        f"\n{len(events)} events ({unknown} unknown) from {len(body):,} bytes; ended at {ending}."
    )
    for event in events:
        if isinstance(event, ThreadMessageCompleted):
            texts = [b.text.value for b in event.data.content if isinstance(b, TextContentBlock)]
            print(f"\nFinal text of {event.data.id}:\n  {''.join(t or '' for t in texts)}")


if __name__ == "__main__":
    main()
