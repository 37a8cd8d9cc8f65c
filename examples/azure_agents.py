"""Stream an Azure AI Foundry agent's run: an MCP call approved by policy, a function answered.

By default it runs against the embedded server's Azure flavour
(``AssistantServer(azure=True)``: a project endpoint, ``api-version`` on every request,
bearer tokens), so it needs no account and CI runs it. With ``AZURE_AI_PROJECT_ENDPOINT``
and ``AZURE_AI_AGENT_ID`` set, it runs against the real service instead, with an Entra ID
token from ``azure-identity`` (``pip install azure-identity``; imported only then) for the
scope ``https://ai.azure.com/.default``. The client side is the same either way:

    tools = ToolRegistry(approve=policy)   # MCP approvals decided by a function of yours

    client = AssistantClient.for_azure(endpoint, api_version="2025-05-15-preview", ...)
    async with client.threads.runs.stream(thread.id, assistant_id=agent_id,
                                          answer_tools=tools, handler=...) as stream:
        await stream.until_done()

Run it with ``python examples/azure_agents.py [--delay SECONDS]``.
"""

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from assistant_stream import AssistantClient, EventHandler, RequiredToolCall, ToolRegistry
from assistant_stream.types import Text, TextDelta, ToolCall

API_VERSION = "2025-05-15-preview"  # MCP approvals (tool_approvals) need it; v1 is the GA one
SCOPE = "https://ai.azure.com/.default"
QUESTION = "Which api-version do Azure AI Agents need for MCP approvals, and how warm is Seattle?"
SCRIPT = [
    [
        {"text": "Let me check the REST API docs."},
        {
            "mcp_call": {
                "server_label": "github",
                "name": "search_azure_rest_api_docs",
                "arguments": {"query": "tool_approvals api-version"},
                "output": "tool_approvals: available from api-version 2025-05-15-preview.",
            }
        },
    ],
    [{"function_call": {"name": "get_weather", "arguments": {"city": "Seattle"}}}],
    [{"text": "MCP approvals need api-version 2025-05-15-preview, and Seattle is at 12 °C."}],
]


def policy(call: RequiredToolCall) -> bool:
    """Approve the MCP tools that only read; refuse the others."""
    approve = call.name.startswith(("search_", "fetch_"))
    print(f"[{'approved' if approve else 'refused'} {call.server_label}/{call.name}]")
    return approve


tools = ToolRegistry(timeout=5, approve=policy)


@tools.function
def get_weather(city: str) -> dict[str, object]:
    """The current weather in a city.

    Args:
        city: the city's name, such as "Seattle".
    """
    return {"city": city, "temperature_c": {"Seattle": 12}.get(city, 20)}


class Printer(EventHandler):
    """Prints the answer as it streams, and each tool call once it is done."""

    def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        print(delta.value or "", end="", flush=True)

    def on_text_done(self, text: Text) -> None:
        print()

    def on_tool_call_done(self, tool_call: ToolCall) -> None:
        print(f"[{tool_call.type} call done]")


@asynccontextmanager
async def local_agent(delay: float) -> AsyncIterator[tuple[AssistantClient, str]]:
    """The embedded server's Azure flavour, an agent on it, and a client of it."""
    from assistant_stream.testing import AssistantServer, Fault

    server = AssistantServer(SCRIPT, azure=True, api_key="entra-token", faults=Fault(
        event_delay=delay))  # fmt: skip
    async with server:
        client = AssistantClient.for_azure(
            server.azure_endpoint, api_version=API_VERSION, api_key="entra-token"
        )
        async with client:
            mcp = {"type": "mcp", "server_label": "github", "server_url": "https://gitmcp.io/x"}
            agent = await client.assistants.create(model="gpt-4o", tools=[mcp, tools])
            print(f"local Azure flavour at {server.azure_endpoint}")
            yield client, agent.id


@asynccontextmanager
async def real_agent(endpoint: str, agent_id: str) -> AsyncIterator[tuple[AssistantClient, str]]:
    """The real service, with an Entra ID token from azure-identity."""
    from azure.identity.aio import DefaultAzureCredential, get_bearer_token_provider

    async with DefaultAzureCredential() as credential:
        token_provider: Callable[[], Awaitable[Any]] = get_bearer_token_provider(credential, SCOPE)
        client = AssistantClient.for_azure(
            endpoint, api_version=API_VERSION, token_provider=token_provider
        )
        async with client:
            yield client, agent_id


async def main(delay: float) -> int:
    """Stream one run of the agent, approvals and function calls answered; the exit code."""
    endpoint, agent_id = (
        os.environ.get("AZURE_AI_PROJECT_ENDPOINT"),
        os.environ.get("AZURE_AI_AGENT_ID"),
    )
    agent = real_agent(endpoint, agent_id) if endpoint and agent_id else local_agent(delay)
    async with agent as (client, assistant_id):
        thread = await client.threads.create(messages=[{"role": "user", "content": QUESTION}])
        async with client.threads.runs.stream(
            thread.id, assistant_id=assistant_id, answer_tools=tools, handler=Printer()
        ) as stream:
            final = await stream.get_final_run()
    status = final.run.status if final.run is not None else "no run"
    print(f"final run: {status}")
    return 0 if status == "completed" else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.01, help="seconds between events")
    sys.exit(asyncio.run(main(parser.parse_args().delay)))
