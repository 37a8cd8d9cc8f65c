"""Answer a run's function calls with a ``ToolRegistry``, in one stream.

A small server on 127.0.0.1 (a free port, stopped at the end) plays an assistant that asks
for ``get_weather`` in two cities at once, waits at ``requires_action``, and answers with
the outputs it was sent. The client side is what an application writes:

    tools = ToolRegistry()

    @tools.function
    def get_weather(city: str, unit: Literal["C", "F"] = "C") -> dict[str, object]: ...

    async with client.threads.create_and_run_stream(
        assistant_id=..., thread={...}, tools=tools, handler=handler
    ) as stream:
        await stream.until_done()

The stream sends the definitions, runs both calls concurrently, announces each output
(``on_tool_output``), submits them in one request and reads the rest of the run, all in
the same stream. Run it with ``python examples/tools_sample.py [--delay SECONDS]``.
"""

import argparse
import asyncio
import json
import sys
from typing import Any, Literal

from aiohttp import web

from assistant_stream import AssistantClient, EventHandler, RequiredToolCall, ToolRegistry
from assistant_stream.types import Text, TextDelta

DELAY = web.AppKey("delay", float)
RUN = {"id": "run_demo", "object": "thread.run", "thread_id": "thread_demo"}
CITIES = ("Paris", "Tokyo")

tools = ToolRegistry(timeout=5)


@tools.function
def get_weather(city: str, unit: Literal["C", "F"] = "C") -> dict[str, object]:
    """The current weather in a city.

    Args:
        city: the city's name, such as "Paris".
        unit: the temperature unit.
    """
    celsius = {"Paris": 18, "Tokyo": 24}.get(city, 20)
    return {"city": city, "temperature": celsius if unit == "C" else celsius * 9 // 5 + 32}


class Narrator(EventHandler):
    """Prints what the bot would show: each tool output, then the answer as it streams."""

    def on_tool_output(self, call: RequiredToolCall, output: str) -> None:
        print(f"[looked up {call.name}({call.arguments}) -> {output}]")

    def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        print(delta.value or "", end="", flush=True)

    def on_end(self) -> None:
        print()


def sse(name: str, data: dict[str, Any]) -> bytes:
    """One server-sent event."""
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


async def events(request: web.Request, *frames: bytes) -> web.StreamResponse:
    """Stream ``frames`` then ``done``, one write each."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    for frame in (*frames, b"event: done\ndata: [DONE]\n\n"):
        await response.write(frame)
        await asyncio.sleep(request.app[DELAY])
    await response.write_eof()
    return response


async def create_and_run(request: web.Request) -> web.StreamResponse:
    """Ask for the weather in both cities, then wait for the outputs."""
    names = [tool["function"]["name"] for tool in (await request.json()).get("tools", [])]
    assert names == ["get_weather"], names
    calls = [
        {"id": f"call_{city}", "type": "function", "function": {"name": "get_weather"}}
        for city in CITIES
    ]
    for call, city in zip(calls, CITIES, strict=True):
        call["function"]["arguments"] = json.dumps({"city": city})
    action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}
    return await events(
        request,
        sse("thread.run.created", {**RUN, "status": "queued"}),
        sse(
            "thread.run.requires_action",
            {**RUN, "status": "requires_action", "required_action": action},
        ),
    )


async def submit(request: web.Request) -> web.StreamResponse:
    """Answer with a message made of the outputs, in small deltas."""
    outputs = [json.loads(o["output"]) for o in (await request.json())["tool_outputs"]]
    answer = "; ".join(f"{o['city']}: {o['temperature']} °C" for o in outputs) + "."
    message = {"id": "msg_demo", "object": "thread.message", "role": "assistant", "content": []}
    deltas = [
        sse(
            "thread.message.delta",
            {
                "id": "msg_demo",
                "delta": {
                    "content": [
                        {"index": 0, "type": "text", "text": {"value": answer[at : at + 8]}}
                    ]
                },
            },
        )
        for at in range(0, len(answer), 8)
    ]
    return await events(
        request,
        sse("thread.message.created", {**message, "status": "in_progress"}),
        *deltas,
        sse("thread.run.completed", {**RUN, "status": "completed"}),
    )


async def main(delay: float) -> int:
    """Serve the assistant on loopback, ask it, and print what the stream did."""
    app = web.Application()
    app[DELAY] = delay
    app.router.add_post("/v1/threads/runs", create_and_run)
    app.router.add_post("/v1/threads/{thread}/runs/{run}/submit_tool_outputs", submit)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base_url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    try:
        async with (
            AssistantClient(api_key="demo-key", base_url=base_url) as client,
            client.threads.create_and_run_stream(
                assistant_id="asst_demo", tools=tools, handler=Narrator()
            ) as stream,
        ):
            final = await stream.get_final_run()
    finally:
        await runner.cleanup()
    status = final.run.status if final.run is not None else "no run"
    print(f"final run: {status} after {len(stream.required_tool_calls)} pending call(s)")
    return 0 if status == "completed" else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.02, help="seconds between events")
    sys.exit(asyncio.run(main(parser.parse_args().delay)))
