"""Benchmark: what typed events, snapshots and callbacks cost per event, next to a floor.

Run it as a script (``make bench`` does): ``python benchmarks/bench.py [options]``.

Every contestant turns the same in-memory body (``workloads.py``) into events:

- ``floor``: split the chunks into frames on blank lines, carrying the partial tail across
  chunks, pull the ``event:`` / ``data:`` lines and ``orjson.loads`` every data field except
  ``[DONE]``. No models, no dispatch: the least any Python client can do.
- ``assistant_stream``: ``SSEDecoder.feed()`` every chunk, ``decode_event()`` every event,
  then ``finish()``: bytes to typed events, the package's public wire layer.
- ``pipeline``: the whole handler layer with no HTTP. ``AssistantStream`` reads the chunks
  from an async generator, decodes, accumulates the snapshots and calls a handler that
  overrides ``on_event``, ``on_text_delta``, ``on_tool_call_delta`` and ``on_message_done``
  (the same handler as the shared yardstick's ``assistant_stream_handler`` contestant).

A second table, "scaling", checks that a text delta costs the same however long the text
already is: the pipeline on 5,000 and on 80,000 text deltas, per event.

Two ways of cutting the body into chunks: ``event`` (one chunk per SSE event, as the live API
writes) and ``16k`` (16 KiB pieces that cut across events and UTF-8 characters).

Method: CPU time (``time.process_time_ns``) per event. All contestants run once unmeasured,
then N rounds of ``floor, assistant_stream, ...`` on each workload and chunking, in this one
process. Each round checks that every contestant saw exactly the generator's event count,
one ``done``, no ``UnknownEvent`` and no leftover bytes; any miss stops the run (exit 1).
The figure the project's targets are written in is the MEDIAN OF THE PAIRED RATIOS: in each
round a contestant's µs/event divided by the floor's from the same round, median over rounds.
The machine is small and noisy: compare ratios within one run, not absolute numbers across
runs.

Adding a contestant (say a faster internal decoder API) is one function ``chunks -> Tally``
and one entry in ``CONTESTANTS``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import itertools
import json
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import workloads  # benchmarks/ is sys.path[0] when this file is run as a script

import assistant_stream
from assistant_stream import (
    AssistantStream,
    DoneEvent,
    EventHandler,
    SSEDecoder,
    StreamInterrupted,
    UnknownEvent,
    decode_event,
)

BASELINE = "floor"


@dataclass(frozen=True)
class Target:
    """A contestant's limit in x floor per event, on the workloads it is judged on."""

    contestant: str
    workloads: tuple[str, ...]
    limit: float
    aim: float


TARGETS = (
    Target("assistant_stream", ("mixed", "long-text"), limit=4.0, aim=3.0),  # issue 2
    Target("pipeline", ("long-text", "tools", "mixed"), limit=5.0, aim=4.0),  # issue 3
)
#: The pipeline's cost per text delta at 80,000 deltas over its cost at 5,000 (issue 3).
SCALING_WORKLOADS = ("text-5k", "text-80k")
SCALING_LIMIT = 1.3

# -- chunkings ----------------------------------------------------------------------------

_NUDGE = 512


def chunk_per_event(body: bytes) -> list[bytes]:
    """One chunk per SSE event, each ending with its blank line (the live API's writes)."""
    frames = body.split(b"\n\n")
    if frames.pop() != b"":
        raise ValueError("the body does not end with a blank line")
    return [frame + b"\n\n" for frame in frames]


def chunk_16k(body: bytes) -> list[bytes]:
    """16 KiB pieces that cut across events, lines and UTF-8 characters.

    Non-ASCII bytes are rare in real text, so a cut at an exact multiple of 16 KiB almost
    never lands inside a character. Each cut therefore moves forward into the first
    multi-byte character within ``_NUDGE`` bytes, when there is one: piece sizes stay
    within a few hundred bytes of 16 KiB and split characters are common, as they are for
    a client reading a large stream.
    """
    cuts = [0]
    for nominal in range(16_384, len(body), 16_384):
        cut = nominal
        for i in range(nominal, min(nominal + _NUDGE, len(body))):
            if 0x80 <= body[i] < 0xC0:  # a continuation byte: the cut splits a character
                cut = i
                break
        cuts.append(cut)
    cuts.append(len(body))
    return [body[a:b] for a, b in itertools.pairwise(cuts)]


CHUNKINGS: dict[str, Callable[[bytes], list[bytes]]] = {
    "event": chunk_per_event,
    "16k": chunk_16k,
}


def split_characters(chunks: Sequence[bytes]) -> int:
    """How many chunk boundaries fall inside a UTF-8 character."""
    return sum(1 for chunk in chunks[1:] if 0x80 <= chunk[0] < 0xC0)


# -- contestants --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """What a contestant saw: checked after every run, never trusted.

    Attributes:
        events: events other than ``done``.
        done: ``done`` events.
        unknown: events decoded as ``UnknownEvent`` (always 0 for the floor).
        leftover: bytes left undecoded at the end of the body.
    """

    events: int
    done: int
    unknown: int = 0
    leftover: int = 0


Contestant = Callable[[Sequence[bytes]], Tally]


def floor(chunks: Sequence[bytes]) -> Tally:
    """Hand-rolled framing plus one ``orjson.loads`` per event: the practical floor."""
    loads = orjson.loads
    events = done = 0
    tail = b""
    for chunk in chunks:
        if tail:
            chunk = tail + chunk
        frames = chunk.split(b"\n\n")
        tail = frames.pop()
        for frame in frames:
            event = data = None
            for line in frame.split(b"\n"):
                if line.startswith(b"data:"):
                    value = line[5:]
                    if value[:1] == b" ":
                        value = value[1:]
                    data = value if data is None else data + b"\n" + value
                elif line.startswith(b"event:"):
                    event = line[6:].strip()
            if data is None:
                continue
            if event == b"done" or data == b"[DONE]":
                done += 1
                continue
            loads(data)
            events += 1
    return Tally(events, done, leftover=len(tail))


def typed_events(chunks: Sequence[bytes]) -> Tally:
    """``SSEDecoder`` + ``decode_event``: bytes to typed events through the public API."""
    decoder = SSEDecoder()
    decode = decode_event
    events = done = unknown = 0
    for chunk in chunks:
        for sse in decoder.feed(chunk):
            kind = type(decode(sse.event, sse.data))
            if kind is DoneEvent:
                done += 1
                continue
            events += 1
            if kind is UnknownEvent:
                unknown += 1
    decoder.finish()
    return Tally(events, done, unknown, decoder.pending_bytes)


class CountingHandler(EventHandler):
    """The shared yardstick's handler: counts events, text and tool-call deltas, messages."""

    def __init__(self) -> None:
        self.events = self.done = self.unknown = 0
        self.text_deltas = self.tool_call_deltas = self.messages_done = 0
        self.final_text_chars = 0

    async def on_event(self, event: Any) -> None:
        kind = type(event)
        if kind is DoneEvent:
            self.done += 1
            return
        self.events += 1
        if kind is UnknownEvent:
            self.unknown += 1

    async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.text_deltas += 1

    async def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
        self.tool_call_deltas += 1

    async def on_message_done(self, message: Any) -> None:
        self.messages_done += 1
        for block in message.content:
            if block.type == "text":
                self.final_text_chars += len(block.text.value)


_loop: asyncio.AbstractEventLoop | None = None


def pipeline(chunks: Sequence[bytes]) -> Tally:
    """``AssistantStream`` with a ``CountingHandler``: decode, accumulate, dispatch."""
    global _loop
    if _loop is None:
        _loop = asyncio.new_event_loop()
    handler = CountingHandler()

    async def source() -> Any:
        for chunk in chunks:
            yield chunk

    async def drive() -> None:
        async with AssistantStream(source(), handler) as stream:
            # A slice of a stream (instructions.py) ends early; check() judges full runs.
            with contextlib.suppress(StreamInterrupted):
                await stream.until_done()

    _loop.run_until_complete(drive())
    return Tally(handler.events, handler.done, handler.unknown)


#: Run in this order in every round; the first is the baseline of the ratios.
CONTESTANTS: dict[str, Contestant] = {
    BASELINE: floor,
    "assistant_stream": typed_events,
    "pipeline": pipeline,
}

# -- measuring ----------------------------------------------------------------------------


class BenchError(Exception):
    """A contestant did not see the stream the generator wrote."""


@dataclass
class Case:
    """One workload cut one way, and every contestant's µs/event per round."""

    workload: str
    chunking: str
    chunks: list[bytes]
    events: int
    body_bytes: int
    us_per_event: dict[str, list[float]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``workload/chunking``."""
        return f"{self.workload}/{self.chunking}"

    def median(self, name: str) -> float:
        """The contestant's median µs/event."""
        return statistics.median(self.us_per_event[name])

    def ratios(self, name: str) -> list[float]:
        """The contestant's µs/event over the baseline's, round by round."""
        base = self.us_per_event[BASELINE]
        return [mine / floor for mine, floor in zip(self.us_per_event[name], base, strict=True)]

    def median_ratio(self, name: str) -> float:
        """The median of the paired ratios: the figure the targets are written in."""
        return statistics.median(self.ratios(name))


def check(case: Case, name: str, tally: Tally, when: str) -> None:
    """Raise ``BenchError`` unless the contestant saw exactly the generated stream."""
    problems = []
    if tally.events != case.events:
        problems.append(f"saw {tally.events:,} events, the generator wrote {case.events:,}")
    if tally.done != 1:
        problems.append(f"saw {tally.done} done events, not 1")
    if tally.unknown:
        problems.append(f"decoded {tally.unknown:,} events as UnknownEvent")
    if tally.leftover:
        problems.append(f"left {tally.leftover:,} bytes undecoded")
    if problems:
        raise BenchError(f"{name} on {case.label} ({when}): " + "; ".join(problems))


def timed(contestant: Contestant, chunks: Sequence[bytes]) -> tuple[int, Tally]:
    """CPU nanoseconds of one run, after collecting the previous run's garbage."""
    gc.collect()
    start = time.process_time_ns()
    tally = contestant(chunks)
    return time.process_time_ns() - start, tally


def make_cases(names: Sequence[str], chunkings: Sequence[str]) -> list[Case]:
    cases = []
    for name in names:
        workload = workloads.build(name)
        expected = workloads.event_count(name)
        for chunking in chunkings:
            chunks = CHUNKINGS[chunking](workload.body)
            if b"".join(chunks) != workload.body:
                raise BenchError(f"chunking {chunking} lost bytes of {name}")
            cases.append(Case(name, chunking, chunks, expected, len(workload.body)))
    return cases


def run_case(case: Case, rounds: int) -> None:
    """Warm every contestant up once, then measure ``rounds`` interleaved rounds."""
    for name, contestant in CONTESTANTS.items():
        check(case, name, contestant(case.chunks), "warm-up")
        case.us_per_event[name] = []
    for r in range(rounds):
        for name, contestant in CONTESTANTS.items():
            ns, tally = timed(contestant, case.chunks)
            check(case, name, tally, f"round {r + 1}")
            case.us_per_event[name].append(ns / 1_000 / case.events)


# -- reporting ----------------------------------------------------------------------------


def describe(cases: Sequence[Case], rounds: int) -> str:
    lines = [
        f"# benchmark: CPU time per event (time.process_time_ns), rounds: {rounds}",
        "",
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"assistant_stream {assistant_stream.__version__}, orjson {orjson.__version__}; "
        f"contestants in round order: {', '.join(CONTESTANTS)}.",
        "",
    ]
    for case in cases:
        cuts = split_characters(case.chunks)
        lines.append(
            f"- {case.label}: {case.events:,} events, {case.body_bytes / 1024:,.0f} KiB in "
            f"{len(case.chunks):,} chunks ({cuts} cut inside a UTF-8 character)"
        )
    return "\n".join(lines)


def table(cases: Sequence[Case]) -> str:
    rows = [
        "| workload | chunks | events | contestant | µs/event (median) | µs/event (min-max) "
        "| x floor (median of paired) | x floor (min-max) |",
        "|---|---|---:|---|---:|---:|---:|---:|",
    ]
    for case in cases:
        for name in CONTESTANTS:
            us = case.us_per_event[name]
            ratios = case.ratios(name)
            rows.append(
                f"| {case.workload} | {case.chunking} | {case.events:,} | {name} "
                f"| {case.median(name):.2f} | {min(us):.2f}-{max(us):.2f} "
                f"| **{case.median_ratio(name):.2f}x** | {min(ratios):.2f}-{max(ratios):.2f} |"
            )
    return "\n".join(rows)


def targets(cases: Sequence[Case]) -> tuple[list[str], bool | None]:
    """One line per target, and whether all passed (``None`` if none was measured)."""
    lines, verdicts = [], []
    for goal in TARGETS:
        head = (
            f"Target: {goal.contestant} ≤ {goal.limit:g}x floor per event on "
            f"{', '.join(goal.workloads)} (aim {goal.aim:g}x):"
        )
        judged = [c for c in cases if c.workload in goal.workloads]
        if not judged:
            lines.append(f"{head} NOT MEASURED")
            continue
        passed = all(c.median_ratio(goal.contestant) <= goal.limit for c in judged)
        verdicts.append(passed)
        parts = []
        for case in judged:
            ratio = case.median_ratio(goal.contestant)
            mark = "within aim" if ratio <= goal.aim else "ok" if ratio <= goal.limit else "over"
            parts.append(f"{case.label} {ratio:.2f}x ({mark})")
        lines.append(f"{head} {'PASS' if passed else 'FAIL'}: {', '.join(parts)}")
    return lines, (all(verdicts) if verdicts else None)


def scaling(rounds: int) -> tuple[str, float]:
    """The pipeline per text delta at 80,000 deltas over 5,000, median of paired rounds."""
    short, long = make_cases(SCALING_WORKLOADS, ["event"])
    per_event: dict[str, list[float]] = {short.workload: [], long.workload: []}
    for case in (short, long):
        check(case, "pipeline", pipeline(case.chunks), "warm-up")
    for r in range(rounds):
        for case in (short, long):
            ns, tally = timed(pipeline, case.chunks)
            check(case, "pipeline", tally, f"round {r + 1}")
            per_event[case.workload].append(ns / 1_000 / case.events)
    ratios = [
        b / a for a, b in zip(per_event[short.workload], per_event[long.workload], strict=True)
    ]
    ratio = statistics.median(ratios)
    verdict = "PASS" if ratio <= SCALING_LIMIT else "FAIL"
    short_us = statistics.median(per_event[short.workload])
    long_us = statistics.median(per_event[long.workload])
    line = (
        f"Scaling: pipeline µs/event on {long.workload} ({long_us:.2f}) over {short.workload} "
        f"({short_us:.2f}) = {ratio:.2f}x (range {min(ratios):.2f}-{max(ratios):.2f}), "
        f"limit {SCALING_LIMIT:g}x: {verdict}"
    )
    return line, ratio


def to_json(
    cases: Sequence[Case], rounds: int, passed: bool | None, scaling_ratio: float | None
) -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "assistant_stream": assistant_stream.__version__,
        "orjson": orjson.__version__,
        "rounds": rounds,
        "seed": workloads.DEFAULT_SEED,
        "timer": "time.process_time_ns",
        "targets": [
            {
                "contestant": t.contestant,
                "workloads": list(t.workloads),
                "max_ratio": t.limit,
                "aim_ratio": t.aim,
            }
            for t in TARGETS
        ],
        "passed": passed,
        "scaling_ratio": scaling_ratio,
        "cases": [
            {
                "workload": case.workload,
                "chunks": case.chunking,
                "events": case.events,
                "body_bytes": case.body_bytes,
                "chunk_count": len(case.chunks),
                "contestants": {
                    name: {
                        "us_per_event": case.us_per_event[name],
                        "median_us_per_event": case.median(name),
                        "ratio_to_floor": case.ratios(name),
                        "median_ratio_to_floor": case.median_ratio(name),
                    }
                    for name in CONTESTANTS
                },
            }
            for case in cases
        ],
    }


# -- entry points -------------------------------------------------------------------------


def profile(name: str, workload: str, chunking: str) -> None:
    """Profile one run of a contestant; print the top 25 functions by self time."""
    (case,) = make_cases([workload], [chunking])
    contestant = CONTESTANTS[name]
    check(case, name, contestant(case.chunks), "warm-up")
    profiler = cProfile.Profile()
    tally = profiler.runcall(contestant, case.chunks)
    check(case, name, tally, "profiled run")
    print(f"# cProfile: {name} on {case.label}, {case.events:,} events")
    print("(profiling slows every call; read where the time goes, not how much)\n")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats(pstats.SortKey.TIME).print_stats(25)


def csv_choice(choices: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        picked = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in picked if item not in choices]
        if unknown or not picked:
            raise argparse.ArgumentTypeError(
                f"{', '.join(unknown) or 'nothing'}: choose from {', '.join(choices)}"
            )
        return picked

    return parse


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Decode and stream the workloads next to the orjson floor."
    )
    parser.add_argument(
        "--workloads",
        type=csv_choice(list(workloads.WORKLOADS)),
        default=list(workloads.WORKLOADS),
        help=f"comma-separated, from {', '.join(workloads.WORKLOADS)} (default: all)",
    )
    parser.add_argument(
        "--chunks",
        type=csv_choice(list(CHUNKINGS)),
        default=list(CHUNKINGS),
        help=f"comma-separated chunkings, from {', '.join(CHUNKINGS)} (default: all)",
    )
    parser.add_argument("--rounds", type=int, default=7, help="measured rounds (default: 7)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    parser.add_argument(
        "--profile",
        choices=list(workloads.WORKLOADS),
        metavar="WORKLOAD",
        help="cProfile --contestant on WORKLOAD (first of --chunks) instead",
    )
    parser.add_argument(
        "--contestant", choices=list(CONTESTANTS)[1:], default="pipeline", help="for --profile"
    )
    parser.add_argument(
        "--no-scaling", action="store_true", help="skip the 5k-vs-80k text delta check"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.profile:
            profile(args.contestant, args.profile, args.chunks[0])
            return 0
        cases = make_cases(args.workloads, args.chunks)
        for case in cases:
            run_case(case, args.rounds)
        scaled = None if args.no_scaling else scaling(args.rounds)
    except BenchError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    lines, passed = targets(cases)
    print(describe(cases, args.rounds), "", table(cases), "", *lines, sep="\n")
    if scaled is not None:
        print(scaled[0])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = to_json(cases, args.rounds, passed, None if scaled is None else scaled[1])
        args.json.write_text(json.dumps(data, indent=2) + "\n")
        print(f"\nresults written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
