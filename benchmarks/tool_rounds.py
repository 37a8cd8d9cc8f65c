"""Benchmark: what the SDK adds to one round of tool calls, next to a bare request.

Run it as a script (``make bench`` runs it after ``bench.py``):
``python benchmarks/tool_rounds.py [options]``.

A round is one run that stops for function calls. ``create_and_run_stream(...,
tools=registry)`` sends ``POST /v1/threads/runs``; its body (one write) streams the calls up
to ``thread.run.requires_action`` and ``done``; the stream's ``ToolRegistry`` runs the
functions, ``on_tool_output`` announces each output, the stream POSTs
``.../submit_tool_outputs`` and reads the follow-up body to ``thread.run.completed``. The
functions are instant (each returns a constant string at once): what is timed is the SDK.

- ``latency``: from ``on_run_requires_action`` (the SDK delivering the event) to the
  server's handler seeing the submit request, stamped as the handler starts, before it
  reads the request body. It covers reading ``done``, running the functions, announcing the
  outputs, building, encoding and sending the request, and the server's receipt of it.
- ``floor``: the same round with nothing of the SDK in it: the functions called bare, the
  cheapest way that never blocks the loop (``asyncio.gather`` of the async ones and of one
  ``asyncio.to_thread`` per sync one, so a sync function's thread hop counts as the
  function's, as the issue's "excluding the functions" asks), then one
  ``aiohttp.ClientSession`` (keep-alive, aiohttp's default connector) POSTs the same JSON
  body, encoded with ``orjson`` inside the timing, with the headers the SDK sent, to the
  same path; timed from just before the functions to the same stamp.
- ``overhead``: latency minus floor, the SDK's share of a round; the target is written in it.

Cases: 1 and 10 calls, to async functions (awaited on the loop), to sync ones (the registry
runs each in a worker thread, ``asyncio.to_thread``) and, for 10, 5 of each.

Method: WALL time (``time.perf_counter_ns``), not CPU time as in ``bench.py``: a round
crosses a socket and, for sync functions, threads. The server is an ``aiohttp.web`` app on
127.0.0.1 in this process, on the same event loop, so a round and its floor both pay for
the loop's turn and the server's parsing, which the difference cancels. Each case runs
warm-up rounds unmeasured, then N rounds of ``SDK round, floor request`` (interleaved, so
drift hits both alike), with garbage collected before each SDK round. Both timings start
warm: the SDK's window opens while it reads a body, and the floor's request is the second
of two sent back to back (a cold one, right after ``gc.collect()``, took over twice as long:
that is the machine's, not the SDK's). Every round checks that the
stream FINISHED, that exactly one run request and one submit request arrived, that the
submit carried one output per call, each the function's constant, and that
``on_run_requires_action`` and ``on_tool_output`` were called for them; any miss stops the
run (exit 1). The figures are medians and p90s over rounds; ``overhead`` is the MEDIAN OF
THE PAIRED DIFFERENCES (each round's latency minus the floor of the same round), and
``x floor`` the median of the paired ratios. The target (the tool-loop issue) is under 1 ms
of overhead per round on every case; PASS or FAIL is printed and, as for ``bench.py``'s
targets, the exit code stays 0. The machine is small and noisy: compare figures within one
run, not across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from aiohttp import web

import assistant_stream
from assistant_stream import (
    AssistantClient,
    AssistantStreamError,
    EventHandler,
    RequiredToolCall,
    StreamState,
    ToolRegistry,
)
from assistant_stream.types import Run

#: The overhead the issue allows per round, in milliseconds (functions excluded).
OVERHEAD_LIMIT_MS = 1.0
WARM_UP = 20
API_KEY = "sk-bench-not-a-secret"
THREAD, RUN, STEP = "thread_1", "run_1", "step_1"
OUTPUT = "sunny"
#: Headers aiohttp sets for each request itself: the floor does not copy them from the SDK's.
OWN_HEADERS = frozenset({"host", "content-length"})

# -- the functions ------------------------------------------------------------------------

TOOLS = ToolRegistry()


@TOOLS.function
async def weather_async(city: str) -> str:
    """The weather in a city, at once (awaited on the loop)."""
    return OUTPUT


@TOOLS.function
def weather_sync(city: str) -> str:
    """The weather in a city, at once (run in a worker thread)."""
    return OUTPUT


# -- bodies (the shapes of tests/builders.py and tests/tool_bodies.py) -------------------

Payload = dict[str, Any]
Call = tuple[str, str, str]  # (call id, function name, arguments)


def run(status: str, **fields: Any) -> Payload:
    return {"id": RUN, "object": "thread.run", "thread_id": THREAD, "status": status, **fields}


def step(status: str, tool_calls: Sequence[Payload]) -> Payload:
    details = {"type": "tool_calls", "tool_calls": list(tool_calls)}
    return {
        "id": STEP,
        "object": "thread.run.step",
        "thread_id": THREAD,
        "run_id": RUN,
        "type": "tool_calls",
        "status": status,
        "step_details": details,
    }


def message(status: str, content: Sequence[Payload] = ()) -> Payload:
    return {
        "id": "msg_1",
        "object": "thread.message",
        "thread_id": THREAD,
        "run_id": RUN,
        "role": "assistant",
        "status": status,
        "content": list(content),
    }


def body(*frames: tuple[str, Payload]) -> bytes:
    """An SSE body of the frames, then ``done``."""
    out = b"".join(
        b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"
        for name, data in frames
    )
    return out + b"event: done\ndata: [DONE]\n\n"


def asking(calls: Sequence[Call]) -> bytes:
    """A run that streams ``calls`` in a tool step, then stops at ``requires_action``."""
    patches = [
        {"index": i, "type": "function", "id": call_id, "function": {"name": name, "arguments": a}}
        for i, (call_id, name, a) in enumerate(calls)
    ]
    delta = {"step_details": {"type": "tool_calls", "tool_calls": patches}}
    tool_calls = [
        {"id": call_id, "type": "function", "function": {"name": name, "arguments": a}}
        for call_id, name, a in calls
    ]
    action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": tool_calls}}
    return body(
        ("thread.run.created", run("queued")),
        ("thread.run.in_progress", run("in_progress")),
        ("thread.run.step.created", step("in_progress", [])),
        ("thread.run.step.delta", {"id": STEP, "object": "thread.run.step.delta", "delta": delta}),
        ("thread.run.requires_action", run("requires_action", required_action=action)),
    )


def answered(calls: Sequence[Call]) -> bytes:
    """The follow-up: the tool step completes, a message, the run completes."""
    done_calls = [
        {"id": i, "type": "function", "function": {"name": n, "arguments": a, "output": OUTPUT}}
        for i, n, a in calls
    ]
    reply = [{"type": "text", "text": {"value": "Sunny.", "annotations": []}}]
    return body(
        ("thread.run.step.completed", step("completed", done_calls)),
        ("thread.run.queued", run("queued")),
        ("thread.run.in_progress", run("in_progress")),
        ("thread.message.created", message("in_progress")),
        ("thread.message.completed", message("completed", reply)),
        ("thread.run.completed", run("completed")),
    )


# -- the cases ----------------------------------------------------------------------------


class BenchError(Exception):
    """A round did not go as the bodies say it must."""


@dataclass
class Case:
    """One mix of calls, its bodies, and every round's figures in nanoseconds."""

    name: str
    calls: list[Call]
    asking: bytes = b""  # the run's body, up to requires_action and done
    answered: bytes = b""  # the submit's body
    latency_ns: list[int] = field(default_factory=list)
    floor_ns: list[int] = field(default_factory=list)
    new_connections: int = 0  # submits of measured SDK rounds that opened a connection

    def __post_init__(self) -> None:
        self.asking, self.answered = asking(self.calls), answered(self.calls)

    @property
    def submit_body(self) -> Payload:
        """What the SDK must submit (and the floor sends)."""
        outputs = [{"tool_call_id": call_id, "output": OUTPUT} for call_id, _, _ in self.calls]
        return {"tool_outputs": outputs, "stream": True}

    def overhead_ns(self) -> list[int]:
        return [a - b for a, b in zip(self.latency_ns, self.floor_ns, strict=True)]

    def ratios(self) -> list[float]:
        return [a / b for a, b in zip(self.latency_ns, self.floor_ns, strict=True)]

    def median_overhead_ms(self) -> float:
        return statistics.median(self.overhead_ns()) / 1e6


def make_case(name: str, n_async: int, n_sync: int) -> Case:
    """``n_async`` calls to the async function and ``n_sync`` to the sync one, alternating."""
    names = ["weather_async"] * n_async + ["weather_sync"] * n_sync
    if n_async and n_sync:
        names = [f for pair in zip(names[:n_async], names[n_async:], strict=True) for f in pair]
    calls = [(f"call_{i}", f, '{"city": "Paris"}') for i, f in enumerate(names, 1)]
    return Case(name, calls)


CASES = {
    "1-async": (1, 0),
    "1-sync": (0, 1),
    "10-mixed": (5, 5),
    "10-async": (10, 0),
    "10-sync": (0, 10),
}

# -- the server ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """A submit request as the server saw it."""

    ns: int  # perf_counter_ns as the handler started, before reading the body
    headers: dict[str, str]
    json: Any
    port: int  # the client's port: a new one is a new connection


class Server:
    """Answers the run request with ``case.asking`` and a submit with ``case.answered``."""

    def __init__(self) -> None:
        self.case: Case | None = None
        self.profiler: cProfile.Profile | None = None  # disabled as a submit arrives
        self.runs = 0
        self.submits: list[Arrival] = []
        self.ports: set[int] = set()
        app = web.Application()
        app.router.add_post("/v1/threads/runs", self.create_and_run)
        app.router.add_post("/v1/threads/{thread}/runs/{run}/submit_tool_outputs", self.submit)
        self._runner = web.AppRunner(app, access_log=None)

    async def start(self) -> str:
        """Listen on a free port of 127.0.0.1; the base URL."""
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    async def stop(self) -> None:
        await self._runner.cleanup()

    def clear(self) -> None:
        self.runs, self.submits = 0, []

    async def create_and_run(self, request: web.Request) -> web.StreamResponse:
        assert self.case is not None
        self.runs += 1
        await request.read()
        return await stream(request, self.case.asking)

    async def submit(self, request: web.Request) -> web.StreamResponse:
        arrived = time.perf_counter_ns()
        if self.profiler is not None:
            self.profiler.disable()
        assert self.case is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in OWN_HEADERS}
        peer = request.transport.get_extra_info("peername") if request.transport else None
        port = peer[1] if peer else -1
        self.ports.add(port)
        self.submits.append(Arrival(arrived, headers, orjson.loads(await request.read()), port))
        return await stream(request, self.case.answered)


async def stream(request: web.Request, data: bytes) -> web.StreamResponse:
    """A chunked event stream of ``data``, in one write."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(data)
    await response.write_eof()
    return response


# -- one round ----------------------------------------------------------------------------


class Timing(EventHandler):
    """Stamps ``on_run_requires_action`` (and starts ``profiler``); keeps the outputs."""

    def __init__(self, profiler: cProfile.Profile | None = None) -> None:
        self.profiler = profiler
        self.action_ns = 0
        self.actions = 0
        self.outputs: list[str] = []

    async def on_run_requires_action(self, run: Run) -> None:
        self.action_ns = time.perf_counter_ns()
        self.actions += 1
        if self.profiler is not None:
            self.profiler.enable()

    async def on_tool_output(self, call: RequiredToolCall, output: str) -> None:
        self.outputs.append(output)


def the_submit(server: Server, case: Case, who: str, when: str) -> Arrival:
    """The one submit request of a round, checked."""
    if len(server.submits) != 1:
        raise BenchError(f"{who} on {case.name} ({when}): {len(server.submits)} submits, not 1")
    arrival = server.submits[0]
    if arrival.json != case.submit_body:
        raise BenchError(f"{who} on {case.name} ({when}): submitted {arrival.json}")
    return arrival


async def sdk_round(
    client: AssistantClient,
    server: Server,
    case: Case,
    when: str,
    profiler: cProfile.Profile | None = None,
) -> tuple[int, Arrival]:
    """One run through the SDK, checked: its latency in nanoseconds, and its submit."""
    server.clear()
    handler = Timing(profiler)
    gc.collect()
    stream = client.threads.create_and_run_stream(
        assistant_id="asst_1", handler=handler, tools=TOOLS
    )
    try:
        async with stream:
            await stream.until_done()
            state = stream.state
    except AssistantStreamError as exc:
        raise BenchError(f"SDK on {case.name} ({when}): {exc!r}") from exc
    problems = []
    if state is not StreamState.FINISHED:
        problems.append(f"the stream ended {state.value}, not finished")
    if server.runs != 1:
        problems.append(f"{server.runs} run requests, not 1")
    if handler.actions != 1:
        problems.append(f"on_run_requires_action ran {handler.actions} times, not once")
    if handler.outputs != [OUTPUT] * len(case.calls):
        problems.append(f"on_tool_output announced {handler.outputs}")
    if problems:
        raise BenchError(f"SDK on {case.name} ({when}): " + "; ".join(problems))
    arrival = the_submit(server, case, "SDK", when)
    return arrival.ns - handler.action_ns, arrival


async def run_bare(case: Case) -> None:
    """The case's functions, called the cheapest way that never blocks the loop.

    The async ones are awaited together, and each sync one runs in a worker thread, all at
    once.
    """
    await asyncio.gather(
        *(
            weather_async("Paris")
            if name == "weather_async"
            else asyncio.to_thread(weather_sync, "Paris")
            for _, name, _ in case.calls
        )
    )


async def floor_round(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str], server: Server, case: Case
) -> int:
    """Nanoseconds to run the functions bare and POST, for the second of two such sends."""
    fields = case.submit_body
    start = 0
    for _ in range(2):
        server.clear()
        start = time.perf_counter_ns()
        await run_bare(case)
        async with session.post(url, data=orjson.dumps(fields), headers=headers) as response:
            await response.read()
        if response.status != 200:
            raise BenchError(f"floor on {case.name}: status {response.status}")
    return the_submit(server, case, "floor", "floor").ns - start


async def run_case(
    client: AssistantClient,
    session: aiohttp.ClientSession,
    server: Server,
    base: str,
    case: Case,
    rounds: int,
) -> None:
    """Warm up, then ``rounds`` interleaved SDK rounds and floor requests."""
    server.case = case
    url = f"{base}/v1/threads/{THREAD}/runs/{RUN}/submit_tool_outputs"
    headers: dict[str, str] = {}
    for r in range(WARM_UP):
        headers = (await sdk_round(client, server, case, f"warm-up {r + 1}"))[1].headers
        await floor_round(session, url, headers, server, case)
    for r in range(rounds):
        seen = set(server.ports)
        latency, arrival = await sdk_round(client, server, case, f"round {r + 1}")
        case.new_connections += arrival.port not in seen
        case.latency_ns.append(latency)
        case.floor_ns.append(await floor_round(session, url, headers, server, case))


async def measure(cases: Sequence[Case], rounds: int) -> None:
    server = Server()
    base = await server.start()
    try:
        async with (
            AssistantClient(api_key=API_KEY, base_url=f"{base}/v1") as client,
            aiohttp.ClientSession() as session,
        ):
            for case in cases:
                await run_case(client, session, server, base, case, rounds)
    finally:
        await server.stop()


# -- reporting ----------------------------------------------------------------------------


def p90(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def us(ns: float) -> str:
    return f"{ns / 1_000:,.1f}"


def describe(rounds: int) -> str:
    return "\n".join(
        [
            f"# benchmark: SDK overhead per tool round (wall time, time.perf_counter_ns), "
            f"rounds: {rounds} after {WARM_UP} warm-up",
            "",
            f"Python {platform.python_version()} on {platform.machine()}, "
            f"assistant_stream {assistant_stream.__version__}, aiohttp {aiohttp.__version__}; "
            "server in-process on 127.0.0.1, stamping a submit before reading its body.",
            "latency: on_run_requires_action -> submit at the server; floor: the functions "
            "called bare (async awaited, sync via asyncio.to_thread), then session.post -> the "
            "same; overhead: latency - floor, paired by round. µs unless stated.",
        ]
    )


def table(cases: Sequence[Case]) -> str:
    rows = [
        "| case | calls | latency (median) | latency p90 | floor (median) | floor p90 "
        "| overhead (median of paired) | overhead p90 | x floor (median of paired) "
        "| new connections |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        overhead = case.overhead_ns()
        rows.append(
            f"| {case.name} | {len(case.calls)} "
            f"| {us(statistics.median(case.latency_ns))} | {us(p90(case.latency_ns))} "
            f"| {us(statistics.median(case.floor_ns))} | {us(p90(case.floor_ns))} "
            f"| **{us(statistics.median(overhead))}** | {us(p90(overhead))} "
            f"| {statistics.median(case.ratios()):.2f}x | {case.new_connections} |"
        )
    return "\n".join(rows)


def target(cases: Sequence[Case]) -> tuple[str, bool]:
    """The target's line, and whether every case met it."""
    passed = all(case.median_overhead_ms() < OVERHEAD_LIMIT_MS for case in cases)
    parts = [
        f"{case.name} {case.median_overhead_ms():.3f} ms "
        f"({'ok' if case.median_overhead_ms() < OVERHEAD_LIMIT_MS else 'over'})"
        for case in cases
    ]
    head = f"Target: SDK overhead < {OVERHEAD_LIMIT_MS:g} ms per round (median of paired):"
    return f"{head} {'PASS' if passed else 'FAIL'}: {', '.join(parts)}", passed


def to_json(cases: Sequence[Case], rounds: int, passed: bool) -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "assistant_stream": assistant_stream.__version__,
        "aiohttp": aiohttp.__version__,
        "rounds": rounds,
        "warm_up": WARM_UP,
        "timer": "time.perf_counter_ns",
        "max_overhead_ms": OVERHEAD_LIMIT_MS,
        "passed": passed,
        "cases": [
            {
                "case": case.name,
                "calls": [name for _, name, _ in case.calls],
                "latency_us": [ns / 1_000 for ns in case.latency_ns],
                "floor_us": [ns / 1_000 for ns in case.floor_ns],
                "median_latency_us": statistics.median(case.latency_ns) / 1_000,
                "p90_latency_us": p90(case.latency_ns) / 1_000,
                "median_floor_us": statistics.median(case.floor_ns) / 1_000,
                "p90_floor_us": p90(case.floor_ns) / 1_000,
                "median_overhead_us": statistics.median(case.overhead_ns()) / 1_000,
                "p90_overhead_us": p90(case.overhead_ns()) / 1_000,
                "median_ratio_to_floor": statistics.median(case.ratios()),
                "new_connections": case.new_connections,
            }
            for case in cases
        ],
    }


# -- entry points -------------------------------------------------------------------------


async def profile(case: Case, rounds: int) -> None:
    """Profile the timed window of ``rounds`` SDK rounds of ``case``; the top 25 by self time.

    The profiler runs from ``on_run_requires_action`` to the submit's arrival at the server
    (the latency), so the rest of each round is left out; worker threads are not seen.
    """
    server = Server()
    base = await server.start()
    server.case = case
    server.profiler = profiler = cProfile.Profile()
    try:
        async with AssistantClient(api_key=API_KEY, base_url=f"{base}/v1") as client:
            for r in range(WARM_UP):
                await sdk_round(client, server, case, f"warm-up {r + 1}")
            for r in range(rounds):
                await sdk_round(client, server, case, f"round {r + 1}", profiler)
    finally:
        await server.stop()
    print(f"# cProfile: {rounds} SDK rounds of {case.name}, on_run_requires_action to the submit")
    print("(profiling slows every call; read where the time goes, not how much)\n")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats(pstats.SortKey.TIME).print_stats(25)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the SDK's tool rounds over loopback HTTP next to a bare request."
    )
    parser.add_argument("--rounds", type=int, default=200, help="measured rounds (default: 200)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    parser.add_argument(
        "--profile", choices=list(CASES), metavar="CASE", help="cProfile CASE's SDK rounds instead"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.profile:
            asyncio.run(profile(make_case(args.profile, *CASES[args.profile]), args.rounds))
            return 0
        cases = [make_case(name, *mix) for name, mix in CASES.items()]
        asyncio.run(measure(cases, args.rounds))
    except BenchError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    line, passed = target(cases)
    print(describe(args.rounds), "", table(cases), "", line, sep="\n")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(to_json(cases, args.rounds, passed), indent=2) + "\n")
        print(f"\nresults written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
