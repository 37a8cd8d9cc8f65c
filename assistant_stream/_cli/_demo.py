"""``demo``: a scripted run on the embedded server, with no network and no key.

The run shows every kind of thing the renderer draws: text as it arrives, a function call
answered by a ``ToolRegistry`` (``get_weather``, with its output), a code interpreter call
with its input and logs, then the answer, under the status line, and the summary at the
end. ``DEMO_SCRIPT`` is what the server's assistant does (a script of turns, see
``assistant_stream.testing``).

Rule 1 - the screen opens first. The heavy modules (the HTTP client, aiohttp.web for the
server) are imported once the screen shows the question, so that something is on the
screen within a few tenths of a second of the command starting.

Rule 2 - only what can be watched is paced. The server sends at its own speed; the
``DeltaPacer`` waits ``--delay`` seconds after each text or tool-call delta (``0``: as fast
as it goes), so the text and the calls stream as from a model at about 50 tokens per
second, while the run's lifecycle events, which show nothing, add no dead time before the
first token.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, Any, Final

from assistant_stream.handler import EventHandler

from ._commands import completed, stream_run
from ._render import open_screen
from ._views import Tally

if TYPE_CHECKING:
    from assistant_stream._registry import ToolRegistry
    from assistant_stream.types.message import Text
    from assistant_stream.types.message_delta import TextDelta
    from assistant_stream.types.run_step import ToolCall
    from assistant_stream.types.run_step_delta import ToolCallDelta

__all__ = ["DEMO_SCRIPT", "QUESTION", "DeltaPacer", "demo", "get_weather", "weather_tools"]

#: What the demo's user asks.
QUESTION: Final = "What's the weather like in Paris? Give me the temperature in Fahrenheit too."

_CODE: Final = 'celsius = 18\nfahrenheit = celsius * 9 / 5 + 32\nprint(f"{fahrenheit:.1f} °F")'

#: What the demo's assistant does: look the weather up, convert it, answer.
DEMO_SCRIPT: Final[list[list[dict[str, Any]]]] = [
    [
        {"text": "Let me look up the current weather in Paris."},
        {"function_call": {"name": "get_weather", "arguments": {"city": "Paris"}}},
    ],
    [
        {"code_interpreter": {"input": _CODE, "logs": "64.4 °F"}},
        {
            "text": (
                "It is 18 °C (64.4 °F) in Paris right now, partly cloudy, with a light "
                "wind of 12 km/h. A light jacket is enough for the evening, and you can "
                "leave the umbrella at home today. Enjoy Paris!"
            )
        },
    ],
]

_INSTRUCTIONS: Final = (
    "You answer questions about the weather. Look it up with get_weather, and convert units "
    "with the code interpreter."
)


class DeltaPacer(EventHandler):
    """Waits ``delay`` seconds after each text or tool-call delta (rule 2)."""

    def __init__(self, delay: float) -> None:
        self._delay = delay

    async def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        await asyncio.sleep(self._delay)

    async def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
        await asyncio.sleep(self._delay)


def get_weather(city: str) -> dict[str, object]:
    """The current weather in a city.

    Args:
        city: the city's name, such as "Paris".
    """
    return {"city": city, "temperature_c": 18, "conditions": "partly cloudy", "wind_kmh": 12}


def weather_tools() -> ToolRegistry:
    """The demo's registry: ``get_weather``."""
    from assistant_stream._registry import ToolRegistry

    tools = ToolRegistry(timeout=5)
    tools.function(get_weather)
    return tools


async def demo(args: argparse.Namespace) -> int:
    """``demo``: serve ``DEMO_SCRIPT`` on loopback and stream a run of it, rendered."""
    tally = Tally()
    async with open_screen(tally, plain=args.plain) as screen:
        screen.note("demo: a scripted assistant on a local server (no network, no API key)")
        screen.note(f"> {QUESTION}")
        from assistant_stream._client import AssistantClient
        from assistant_stream.testing import AssistantServer

        tools = weather_tools()
        pacer = DeltaPacer(args.delay) if args.delay else None
        async with (
            AssistantServer(DEMO_SCRIPT, seed=args.seed) as server,
            AssistantClient(api_key="demo", base_url=server.base_url) as client,
        ):
            assistant = await client.assistants.create(
                model="gpt-4o",
                name="Weather demo",
                instructions=_INSTRUCTIONS,
                tools=[{"type": "code_interpreter"}, tools],
            )
            thread = await client.threads.create()
            await client.threads.messages.create(thread.id, content=QUESTION)
            final = await stream_run(
                client, thread.id, assistant.id, screen, tools=tools, pacer=pacer
            )
    screen.summary(tally.summary(final))
    return completed(final)
