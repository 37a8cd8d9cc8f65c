"""Stream a run over HTTP with ``AssistantClient``, from the embedded Assistants server.

A real client needs a server. This example starts ``assistant_stream.testing.AssistantServer``
on 127.0.0.1 (a free port, stopped at the end), whose assistant replays the recorded run
``examples/data/sample-run.sse`` (a ``replay`` turn: the recording's ids become the
server's), one write per event with a short pause between them. The client side is exactly
what an application writes against a real service:

    async with AssistantClient(api_key=..., base_url=...) as client:
        assistant = await client.assistants.create(model=..., tools=[...])
        async with client.threads.create_and_run_stream(
            assistant_id=assistant.id, thread={...}, handler=handler
        ) as stream:
            await stream.until_done()

The handler is ``replay_sample.PrintingHandler``: it prints the code and the answer as they
stream. Run it with ``python examples/client_sample.py [--delay SECONDS]``.
"""

import argparse
import asyncio
import sys

from replay_sample import SAMPLE, Printer, PrintingHandler

from assistant_stream import AssistantClient, Timeout, __version__
from assistant_stream.testing import AssistantServer, Fault

QUESTION = "Mean and median of 2 3 5 7 5?"


async def main(delay: float) -> int:
    """Serve the sample on loopback and stream it through the client; return the exit code."""
    script = [[{"replay": str(SAMPLE)}]]
    async with AssistantServer(script=script, faults=Fault(event_delay=delay)) as server:
        print(f"assistant_stream {__version__}: streaming a run from {server.base_url}")
        handler = PrintingHandler(Printer())
        client = AssistantClient(
            api_key="demo-key", base_url=server.base_url, timeout=Timeout(read=30)
        )
        async with client:
            assistant = await client.assistants.create(
                model="gpt-4o", tools=[{"type": "code_interpreter"}]
            )
            async with client.threads.create_and_run_stream(
                assistant_id=assistant.id,
                thread={"messages": [{"role": "user", "content": QUESTION}]},
                handler=handler,
            ) as stream:
                final = await stream.get_final_run()
    status = final.run.status if final.run is not None else "no run"
    print(f"final run: {status} (ended: {final.ended})")
    return 0 if final.ended else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.02, help="seconds between events")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.delay)))
