"""Benchmark: the embedded server under load, next to a bare aiohttp server (the floor).

Run it as a script (``make bench`` runs it): ``python benchmarks/server_load.py [options]``.

The question (the server issue): is the server what limits a load test? So the server runs
in a process of its own (``--serve``), and this process streams ``--streams`` runs at once
(100 by default) through ``AssistantClient`` with a handler that counts events and keeps
the text, the way a bot's load test would. Each run echoes a user message of ``--words``
words, cut into word-sized deltas (some merged), so it streams a little under
``words + 12`` events.

- ``ours``: ``assistant_stream.testing.AssistantServer``: its routes, store and player, the
  events serialized as they are played, one write per event.
- ``floor``: a bare ``aiohttp.web`` app answering the same run request with the same bytes
  (those ``ours`` sent for an identical run, captured before timing), pre-built, one write
  per event: nothing but aiohttp's own cost of serving the stream.

Per server, after a warm-up round, ``--rounds`` rounds: create the threads (untimed), then
time the 100 streams from the first request to the last ``done`` (wall time), and read the
server process's CPU time (``/proc/<pid>/stat``) before and after. Reported: events per
second delivered to the client, the server's CPU microseconds per event, and each as a
ratio to the floor's of the same run (medians over rounds). The server does not limit the
load test when the events per second stay near the floor's (the client, the same in both,
is the limit) and its CPU per event is well under the client's. Every round checks that
every stream delivered its whole text; a miss stops the run (exit 1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from assistant_stream import AssistantClient, EventHandler, Timeout
from assistant_stream.types import Text, TextDelta

KEY = "sk-bench"
TICKS = os.sysconf("SC_CLK_TCK")


class Counter(EventHandler):
    """Counts the events of one stream, and keeps its text."""

    def __init__(self) -> None:
        self.deltas = 0
        self.events = 0
        self.text = ""

    def on_event(self, event: Any) -> None:
        self.events += 1

    def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        self.deltas += 1

    def on_text_done(self, text: Text) -> None:
        self.text = text.value


# -- the two servers, each run as `--serve ours|floor` in a process of its own ------------


async def serve_ours() -> None:
    from assistant_stream.testing import AssistantServer

    async with AssistantServer(api_key=KEY) as server:
        print(server.port, flush=True)
        await asyncio.Event().wait()


async def serve_floor(body_path: str) -> None:
    from aiohttp import web

    body = open(body_path, "rb").read()  # noqa: SIM115 - read once at start
    frames = [frame + b"\n\n" for frame in body.split(b"\n\n") if frame]

    async def run(request: web.Request) -> web.StreamResponse:
        await request.read()
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for frame in frames:
            await response.write(frame)
        await response.write_eof()
        return response

    async def thread(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"id": "thread_floor", "object": "thread", "created_at": 0})

    app = web.Application()
    app.router.add_post("/v1/threads/{thread_id}/runs", run)
    app.router.add_post("/v1/threads", thread)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(runner.addresses[0][1], flush=True)
    await asyncio.Event().wait()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / TICKS


# -- the load ------------------------------------------------------------------------------


async def one_round(
    base_url: str, assistant_id: str, streams: int, words: int
) -> tuple[float, int]:
    """Stream ``streams`` runs at once; return the wall seconds and the events delivered."""
    text = " ".join(f"word{i}" for i in range(words))
    async with AssistantClient(api_key=KEY, base_url=base_url, timeout=Timeout(read=60)) as client:
        threads = [
            await client.threads.create(messages=[{"role": "user", "content": text}])
            for _ in range(streams)
        ]
        counters = [Counter() for _ in threads]

        async def stream(thread_id: str, counter: Counter) -> None:
            async with client.threads.runs.stream(
                thread_id, assistant_id=assistant_id, handler=counter
            ) as running:
                await running.until_done()

        start = time.perf_counter()
        await asyncio.gather(*(stream(t.id, c) for t, c in zip(threads, counters, strict=True)))
        wall = time.perf_counter() - start
    if any(counter.text != text for counter in counters):
        raise SystemExit("a stream did not deliver its whole text")
    return wall, sum(counter.events for counter in counters)


async def capture(base_url: str, assistant_id: str, words: int) -> bytes:
    """The body ``ours`` sends for one run: what the floor will send."""
    import io

    sink = io.BytesIO()
    text = " ".join(f"word{i}" for i in range(words))
    async with AssistantClient(api_key=KEY, base_url=base_url) as client:
        thread = await client.threads.create(messages=[{"role": "user", "content": text}])
        async with client.threads.runs.stream(
            thread.id, assistant_id=assistant_id, record_to=sink
        ) as running:
            await running.until_done()
    return sink.getvalue()


def start(kind: str, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, *extra], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    return process, f"http://127.0.0.1:{port}/v1"


async def create_assistant(base_url: str) -> str:
    async with AssistantClient(api_key=KEY, base_url=base_url) as client:
        return (await client.assistants.create(model="gpt-4o")).id


def measure(
    process: subprocess.Popen[str], base_url: str, assistant_id: str, args: argparse.Namespace
) -> list[tuple[float, float, float]]:
    """Per round: events per second, and the server's and the client's CPU µs per event."""
    asyncio.run(one_round(base_url, assistant_id, args.streams, args.words))  # warm-up
    figures = []
    for _ in range(args.rounds):
        before, mine = cpu_seconds(process.pid), time.process_time()
        wall, events = asyncio.run(one_round(base_url, assistant_id, args.streams, args.words))
        cpu, client = cpu_seconds(process.pid) - before, time.process_time() - mine
        figures.append((events / wall, cpu / events * 1e6, client / events * 1e6))
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", choices=("ours", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--body", help=argparse.SUPPRESS)
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--words", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if args.serve == "ours":
        asyncio.run(serve_ours())
        return 0
    if args.serve == "floor":
        asyncio.run(serve_floor(args.body))
        return 0
    ours, ours_url = start("ours")
    try:
        assistant_id = asyncio.run(create_assistant(ours_url))
        body = asyncio.run(capture(ours_url, assistant_id, args.words))
        body_path = f"/tmp/assistant-stream-bench-{os.getpid()}.sse"
        with open(body_path, "wb") as file:
            file.write(body)
        floor, floor_url = start("floor", "--body", body_path)
        try:
            rows: dict[str, list[tuple[float, float, float]]] = {"floor": [], "ours": []}
            for _ in range(2):  # interleaved halves, so drift hits both alike
                rows["floor"] += measure(floor, floor_url, "asst_floor", args)
                rows["ours"] += measure(ours, ours_url, assistant_id, args)
        finally:
            floor.kill()
            os.unlink(body_path)
    finally:
        ours.kill()
    events = body.count(b"\nevent: ") + 1
    print(
        f"server load: {args.streams} concurrent streams of {events} events, "
        f"{2 * args.rounds} rounds per server (medians)"
    )
    floor_rate, floor_cpu, _ = (statistics.median(f[i] for f in rows["floor"]) for i in range(3))
    print(
        f"{'server':8} {'events/s':>10} {'x floor':>8} {'server CPU µs/event':>20} "
        f"{'x floor':>8} {'client CPU µs/event':>20}"
    )
    for name, figures in rows.items():
        rate, cpu, client = (statistics.median(f[i] for f in figures) for i in range(3))
        print(
            f"{name:8} {rate:10.0f} {rate / floor_rate:8.2f} {cpu:20.1f} "
            f"{cpu / floor_cpu:8.2f} {client:20.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
