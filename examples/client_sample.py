"""Stream a run over HTTP with ``AssistantClient``: what ``make demo`` runs.

A real client needs a server. This example starts a small one on 127.0.0.1 (a free port,
stopped at the end) that answers ``POST /v1/threads/runs`` the way an Assistants service
does: ``text/event-stream``, one write per event, with a short pause between writes. The
events are those of ``examples/data/sample-run.sse``. The client side is exactly what an
application writes against a real service:

    async with AssistantClient(api_key=..., base_url=...) as client:
        async with client.threads.create_and_run_stream(
            assistant_id=..., thread={...}, handler=handler
        ) as stream:
            await stream.until_done()

The handler is ``replay_sample.PrintingHandler``: it prints the code and the answer as they
stream. Run it with ``python examples/client_sample.py [--delay SECONDS]``.
"""

import argparse
import asyncio
import sys

from aiohttp import web
from replay_sample import SAMPLE, Printer, PrintingHandler

from assistant_stream import AssistantClient, Timeout, __version__

DELAY = web.AppKey("delay", float)
QUESTION = "Mean and median of 2 3 5 7 5?"


async def serve_run(request: web.Request) -> web.StreamResponse:
    """Answer a create-and-run request with the sample stream, one event per write."""
    body = await request.json()
    if body.get("stream") is not True or not body.get("assistant_id"):
        return web.json_response({"error": {"message": "stream and assistant_id required"}}, 400)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    for frame in SAMPLE.read_bytes().split(b"\n\n")[:-1]:
        await response.write(frame + b"\n\n")
        await asyncio.sleep(request.app[DELAY])
    await response.write_eof()
    return response


async def main(delay: float) -> int:
    """Serve the sample on loopback and stream it through the client; return the exit code."""
    app = web.Application()
    app[DELAY] = delay
    app.router.add_post("/v1/threads/runs", serve_run)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        base_url = f"http://127.0.0.1:{port}/v1"
        print(f"assistant_stream {__version__}: streaming a run from {base_url}")
        handler = PrintingHandler(Printer())
        client = AssistantClient(api_key="demo-key", base_url=base_url, timeout=Timeout(read=30))
        async with (
            client,
            client.threads.create_and_run_stream(
                assistant_id="asst_demo",
                thread={"messages": [{"role": "user", "content": QUESTION}]},
                handler=handler,
            ) as stream,
        ):
            final = await stream.get_final_run()
    finally:
        await runner.cleanup()
    status = final.run.status if final.run is not None else "no run"
    print(f"final run: {status} (ended: {final.ended})")
    return 0 if final.ended else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.02, help="seconds between events")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.delay)))
