"""Tests for assistant_stream.testing's Azure flavour with azure-ai-agents' own client, unchanged.

``azure.ai.agents.aio.AgentsClient`` talks to an ``AssistantServer(azure=True)`` over TLS:
trustme makes a certificate for 127.0.0.1, and the client trusts its CA through
``connection_verify``. A fake ``AsyncTokenCredential`` hands out the server's token. The
client creates an agent with a function tool and an MCP tool, a thread and a message, then
streams the run through an ``AsyncAgentEventHandler`` subclass. The handler answers a
function call and an MCP approval with ``runs.submit_tool_outputs_stream`` (``tool_outputs``,
then ``tool_approvals``); the SDK chains each follow-up stream into the same handler, so
one ``until_done()`` reads the run to completion. The tests also list the run's steps as
the SDK's models, and meet the refusals as azure-core's typed errors. The module is skipped
when azure-ai-agents (or trustme) is not installed.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from assistant_stream.testing import AssistantServer

agents_aio = pytest.importorskip("azure.ai.agents.aio")
models = pytest.importorskip("azure.ai.agents.models")
trustme = pytest.importorskip("trustme")
from azure.core.credentials import AccessToken  # noqa: E402  (after the skips)
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError  # noqa: E402

TOKEN = "entra-token-for-the-test"
#: The MCP server's secret, sent with the approval; the server's records must not show it.
MCP_SECRET = "Bearer mcp-secret-0123456789"
MCP_LABEL = "github"
WEATHER = {"function_call": {"name": "get_weather", "arguments": {"city": "Paris"}}}
SEARCH = {
    "mcp_call": {
        "server_label": MCP_LABEL,
        "name": "search_docs",
        "arguments": {"query": "weather in Paris"},
        "output": "The docs say: bring sunglasses.",
    }
}
REPLY = "Sunny in Paris: bring sunglasses."


def get_weather(city: str) -> str:
    """The current weather in a city.

    :param city: The city.
    :return: The weather, as text.
    """
    return f"Sunny in {city}, 21 degrees."


class FakeCredential:
    """An ``AsyncTokenCredential`` handing out one token, as Entra ID would; it counts asks."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []

    async def get_token(self, *scopes: str, **options: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> FakeCredential:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None


class Handler(models.AsyncAgentEventHandler[None]):
    """Records what the SDK calls back with, and answers the run's required actions."""

    def __init__(self, client: Any, *, approve: bool = True, functions: bool = True) -> None:
        super().__init__()
        self.client = client
        self.approve = approve
        self.functions = functions  # False: the SDK runs them (enable_auto_function_calls)
        self.text: list[str] = []
        self.runs: list[str] = []
        self.steps: list[tuple[str, str]] = []
        self.messages: list[str] = []
        self.dones = 0
        self.run_id = ""
        self.errors: list[BaseException] = []  # the SDK logs and swallows a callback's

    async def on_message_delta(self, delta: Any) -> None:
        self.text.append(delta.text)

    async def on_thread_message(self, message: Any) -> None:
        self.messages.append(message.status)

    async def on_run_step(self, step: Any) -> None:
        self.steps.append((step.type, step.status))

    async def on_done(self) -> None:
        self.dones += 1

    async def on_unhandled_event(self, event_type: str, event_data: Any) -> None:
        self.errors.append(AssertionError(f"unhandled {event_type}: {event_data}"))

    async def on_thread_run(self, run: Any) -> None:
        self.runs.append(run.status)
        self.run_id = run.id
        try:
            await self._answer(run)
        except BaseException as error:
            self.errors.append(error)
            raise

    async def _answer(self, run: Any) -> None:
        action = run.required_action
        if run.status != "requires_action":
            return
        if isinstance(action, models.SubmitToolOutputsAction) and self.functions:
            outputs = [
                models.ToolOutput(tool_call_id=call.id, output=get_weather(city="Paris"))
                for call in action.submit_tool_outputs.tool_calls
            ]
            await self.client.runs.submit_tool_outputs_stream(
                thread_id=run.thread_id, run_id=run.id, tool_outputs=outputs, event_handler=self
            )
        elif isinstance(action, models.SubmitToolApprovalAction):
            approvals = [
                models.ToolApproval(
                    tool_call_id=call.id,
                    approve=self.approve,
                    headers={"Authorization": MCP_SECRET},
                )
                for call in action.submit_tool_approval.tool_calls
            ]
            await self.client.runs.submit_tool_outputs_stream(
                thread_id=run.thread_id, run_id=run.id, tool_approvals=approvals, event_handler=self
            )


@pytest.fixture(scope="module")
def ca() -> Any:
    """A certificate authority made for these tests."""
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CA's certificate as a PEM file, for ``connection_verify``."""
    path = tmp_path_factory.mktemp("tls") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="module")
def server_tls(ca: Any) -> ssl.SSLContext:
    """The server side of TLS: a certificate for 127.0.0.1, signed by ``ca``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
async def served(server_tls: ssl.SSLContext) -> AsyncIterator[AssistantServer]:
    """An Azure-flavoured server over TLS that accepts only ``TOKEN``."""
    async with AssistantServer(azure=True, api_key=TOKEN, ssl=server_tls) as server:
        yield server


def agents_client(server: AssistantServer, ca_file: Path, token: str = TOKEN) -> Any:
    """azure-ai-agents' async client of ``server``, trusting its CA."""
    return agents_aio.AgentsClient(
        server.azure_endpoint, FakeCredential(token), connection_verify=str(ca_file)
    )


async def started(client: Any) -> tuple[Any, Any, Any]:
    """An agent with a function tool and an MCP tool, a thread with a question, the MCP tool."""
    mcp = models.McpTool(
        server_label=MCP_LABEL, server_url="https://gitmcp.io/docs", allowed_tools=["search_docs"]
    )
    functions = models.AsyncFunctionTool({get_weather})
    agent = await client.create_agent(
        model="gpt-4o",
        name="weather",
        instructions="Answer with the tools.",
        tools=[*functions.definitions, *mcp.definitions],
    )
    thread = await client.threads.create()
    await client.messages.create(thread_id=thread.id, role="user", content="Weather in Paris?")
    return agent, thread, mcp


async def test_a_run_answers_a_function_call_and_an_mcp_approval(
    served: AssistantServer, ca_file: Path
) -> None:
    """The handler sees the text and every run status; one until_done reads three bodies."""
    served.set_script([[WEATHER], [SEARCH], [{"text": REPLY}]])
    async with agents_client(served, ca_file) as client:
        agent, thread, mcp = await started(client)
        handler = Handler(client)
        stream = await client.runs.stream(
            thread_id=thread.id,
            agent_id=agent.id,
            tool_resources=mcp.resources,
            event_handler=handler,
        )
        async with stream as events:
            await events.until_done()
        steps = [
            step async for step in client.run_steps.list(thread.id, handler.run_id, order="asc")
        ]
        listed = [m async for m in client.messages.list(thread_id=thread.id)]
    assert [] == handler.errors
    assert REPLY == "".join(handler.text)
    assert [
        "queued", "queued", "in_progress", "requires_action",  # the function call
        "queued", "in_progress", "requires_action",  # the MCP call to approve
        "queued", "in_progress", "completed",
    ] == handler.runs  # fmt: skip
    assert 3 == handler.dones
    assert ("activities", "completed") in handler.steps
    assert ["in_progress", "in_progress", "completed"] == handler.messages
    tool_steps = [s.step_details for s in steps if s.type == "tool_calls"]
    calls = [call for details in tool_steps for call in details.tool_calls]
    assert [
        ("function", get_weather(city="Paris")),
        ("mcp", "The docs say: bring sunglasses."),
    ] == [(c.type, (c.function if c.type == "function" else c).get("output")) for c in calls]
    assert REPLY == listed[0].text_messages[0].text.value


async def test_the_sdks_own_function_calls_chain_into_the_stream(
    served: AssistantServer, ca_file: Path
) -> None:
    """With enable_auto_function_calls the SDK runs get_weather and submits its output itself."""
    served.set_script([[WEATHER], [{"text": REPLY}]])
    async with agents_client(served, ca_file) as client:
        client.enable_auto_function_calls({get_weather})
        agent, thread, _ = await started(client)
        handler = Handler(client, functions=False)
        stream = await client.runs.stream(
            thread_id=thread.id, agent_id=agent.id, event_handler=handler
        )
        async with stream as events:
            await events.until_done()
    assert [] == handler.errors
    assert (REPLY, "completed") == ("".join(handler.text), handler.runs[-1])
    [submit] = [r for r in served.requests if r.path.endswith("/submit_tool_outputs")]
    assert [get_weather(city="Paris")] == [o["output"] for o in submit.json["tool_outputs"]]


async def test_the_client_speaks_the_azure_flavour(served: AssistantServer, ca_file: Path) -> None:
    """Every request has the SDK's api-version and the token; approvals carry their headers."""
    served.set_script([[SEARCH], [{"text": REPLY}]])
    async with agents_client(served, ca_file) as client:
        agent, thread, mcp = await started(client)
        handler = Handler(client)
        stream = await client.runs.stream(
            thread_id=thread.id,
            agent_id=agent.id,
            tool_resources=mcp.resources,
            event_handler=handler,
        )
        async with stream as events:
            await events.until_done()
    assert [] == handler.errors
    assert {"2025-05-15-preview"} == {r.query.get("api-version") for r in served.requests}
    assert {f"Bearer {TOKEN}"} == {r.headers.get("Authorization") for r in served.requests}
    assert all("OpenAI-Beta" not in r.headers for r in served.requests)
    submit = served.requests[-1]
    [approval] = submit.json["tool_approvals"]
    assert (True, {"Authorization": MCP_SECRET}) == (approval["approve"], approval["headers"])
    assert MCP_SECRET not in repr(submit)
    assert TOKEN not in repr(submit)
    run = served.requests[-2].json
    assert "always" == run["tool_resources"]["mcp"][0]["require_approval"]


async def test_a_refused_mcp_call_leaves_no_output(served: AssistantServer, ca_file: Path) -> None:
    """Refused, the MCP call never runs: its output stays empty, and the run goes on."""
    served.set_script([[SEARCH], [{"text": "I could not search."}]])
    async with agents_client(served, ca_file) as client:
        agent, thread, mcp = await started(client)
        handler = Handler(client, approve=False)
        stream = await client.runs.stream(
            thread_id=thread.id,
            agent_id=agent.id,
            tool_resources=mcp.resources,
            event_handler=handler,
        )
        async with stream as events:
            await events.until_done()
        steps = [
            step async for step in client.run_steps.list(thread.id, handler.run_id, order="asc")
        ]
    assert [] == handler.errors
    assert "completed" == handler.runs[-1]
    assert "I could not search." == "".join(handler.text)
    [call] = [c for s in steps if s.type == "tool_calls" for c in s.step_details.tool_calls]
    assert ("mcp", None) == (call.type, call.get("output"))


async def test_a_wrong_token_is_refused(served: AssistantServer, ca_file: Path) -> None:
    """A token the server does not take is azure-core's ClientAuthenticationError (a 401)."""
    async with agents_client(served, ca_file, token="not-the-token") as client:
        with pytest.raises(ClientAuthenticationError) as caught:
            await client.threads.create()
    assert 401 == caught.value.status_code


async def test_an_unknown_thread_is_a_typed_error(served: AssistantServer, ca_file: Path) -> None:
    """A 404 reaches the SDK as HttpResponseError with the service's message."""
    async with agents_client(served, ca_file) as client:
        with pytest.raises(HttpResponseError) as caught:
            await client.threads.get("thread_missing")
    assert 404 == caught.value.status_code
    assert "No thread found with id 'thread_missing'." in str(caught.value)
