"""Tests of ``AssistantServer(azure=True)``: the Azure AI Foundry Agents flavour's rules.

Raw aiohttp shows what the server says: the project endpoint, ``api-version`` on every
request, bearer tokens, no ``OpenAI-Beta``, Azure's objects, and the answers a run waiting
for MCP approvals takes (and refuses). Then this package's client,
``AssistantClient.for_azure``, streams an MCP approval by hand in one stream.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from typing import Any, Final

import aiohttp
import pytest

from assistant_stream import AssistantClient, InvalidStateError, StreamState
from assistant_stream.errors import ScriptError
from assistant_stream.testing import AssistantServer

TOKEN: Final = "entra-token-0123456789"
VERSION: Final = "2025-05-15-preview"
AUTH: Final = {"Authorization": f"Bearer {TOKEN}"}
SEARCH: Final = {
    "mcp_call": {
        "server_label": "github",
        "name": "search_docs",
        "arguments": {"query": "api-version"},
        "output": "api-version is required.",
    }
}
MCP_SECRET: Final = "mcp-secret-0123456789"


@pytest.fixture
async def served() -> AsyncIterator[AssistantServer]:
    """An Azure-flavoured server that takes only ``TOKEN``."""
    async with AssistantServer(azure=True, api_key=TOKEN) as server:
        yield server


async def raw(
    server: AssistantServer,
    method: str,
    path: str,
    body: Any = None,
    *,
    version: str | None = VERSION,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """The status and JSON answer of one request to ``azure_endpoint + path``."""
    query = {"api-version": version} if version is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method,
            server.azure_endpoint + path,
            json=body,
            params=query,
            headers=AUTH if headers is None else headers,
        ) as response,
    ):
        return response.status, await response.json()


#: How many looks a run played in the background may take to reach a status (each phase
#: lasts until a look has shown it: a few looks are enough).
LOOKS: Final = 100


async def until(server: AssistantServer, run: dict[str, Any], status: str) -> dict[str, Any]:
    """The run, retrieved until it has ``status``."""
    for _ in range(LOOKS):
        if run["status"] == status:
            return run
        _, run = await raw(server, "GET", f"/threads/{run['thread_id']}/runs/{run['id']}")
    raise AssertionError(f"the run is {run['status']!r}, not {status!r}")


async def waiting(server: AssistantServer, script: list[Any]) -> dict[str, Any]:
    """A run played from ``script`` up to its ``requires_action``."""
    server.set_script(script)
    _, agent = await raw(server, "POST", "/assistants", {"model": "gpt-4o"})
    body = {"assistant_id": agent["id"], "thread": {"messages": [{"role": "user", "content": "?"}]}}
    _, run = await raw(server, "POST", "/threads/runs", body)
    return await until(server, run, "requires_action")


def submit_path(run: dict[str, Any]) -> str:
    return f"/threads/{run['thread_id']}/runs/{run['id']}/submit_tool_outputs"


# -- the endpoint ----------------------------------------------------------------------------


async def test_the_endpoint_is_a_project_endpoint(served: AssistantServer) -> None:
    """``azure_endpoint`` is ``/api/projects/<name>`` on loopback; ``base_url`` is the same."""
    expected = f"http://127.0.0.1:{served.port}/api/projects/assistant-stream"
    assert (expected, expected) == (served.azure_endpoint, served.base_url)


async def test_an_openai_server_has_no_azure_endpoint() -> None:
    """Asking an OpenAI-flavoured server for its project endpoint is a mistake."""
    async with AssistantServer() as server:
        with pytest.raises(InvalidStateError, match="OpenAI's flavour"):
            server.azure_endpoint  # noqa: B018


async def test_tls_makes_the_endpoint_https() -> None:
    """With ``ssl=`` the server speaks HTTPS, and its endpoint says so."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    served_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(served_tls)
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    async with AssistantServer(azure=True, ssl=served_tls) as server:
        assert server.azure_endpoint.startswith(f"https://127.0.0.1:{server.port}/api/projects/")
        connector = aiohttp.TCPConnector(ssl=trusting)
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            session.post(
                server.azure_endpoint + "/threads", params={"api-version": "v1"}, json={}
            ) as response,
        ):
            assert (200, "thread") == (response.status, (await response.json())["object"])


async def test_openai_paths_are_not_served(served: AssistantServer) -> None:
    """``/v1/threads`` is not a route of the Azure flavour: 404."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{served.port}/v1/threads",
            params={"api-version": VERSION},
            headers=AUTH,
            json={},
        ) as response,
    ):
        assert 404 == response.status


# -- admission -------------------------------------------------------------------------------


async def test_every_request_needs_an_api_version(served: AssistantServer) -> None:
    """Without ``api-version`` a request is a 400 worded as the service's."""
    status, body = await raw(served, "POST", "/threads", {}, version=None)
    expected = {"code": "BadRequest", "message": "Missing required query parameter: api-version"}
    assert (400, {"error": expected}) == (status, body)


async def test_an_unknown_api_version_names_the_supported_ones(served: AssistantServer) -> None:
    """An api-version the service does not know is a 400 listing the ones it does."""
    status, body = await raw(served, "GET", "/assistants", version="2024-07-01-preview")
    message = (
        "Unsupported api version '2024-07-01-preview'. The supported versions are "
        "'v1', '2025-05-01', '2025-05-15-preview'"
    )
    assert (400, {"error": {"code": "UnsupportedApiVersionValue", "message": message}}) == (
        status,
        body,
    )


@pytest.mark.parametrize("version", ["v1", "2025-05-01", "2025-05-15-preview"])
async def test_no_beta_header_is_needed(served: AssistantServer, version: str) -> None:
    """Any supported version with the token is enough: no ``OpenAI-Beta`` header."""
    status, thread = await raw(served, "POST", "/threads", {}, version=version)
    assert (200, "thread") == (status, thread["object"])
    assert "OpenAI-Beta" not in served.requests[-1].headers


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": TOKEN}]
)
async def test_a_missing_or_wrong_token_is_a_401(
    served: AssistantServer, headers: dict[str, str]
) -> None:
    """No bearer token, or another one, is Azure's 401, before the api-version is looked at."""
    message = (
        "Unauthorized. Access token is missing, invalid, audience is incorrect "
        "(https://ai.azure.com), or have expired."
    )
    expected = (401, {"error": {"code": "401", "message": message}})
    assert expected == await raw(served, "POST", "/threads", {}, headers=headers)
    assert expected == await raw(served, "POST", "/threads", {}, headers=headers, version=None)


async def test_without_a_key_any_token_is_taken() -> None:
    """``api_key=None`` takes any token, or none (the api-version is still required)."""
    async with AssistantServer(azure=True) as server:
        assert 200 == (await raw(server, "POST", "/threads", {}, headers={}))[0]


# -- objects ---------------------------------------------------------------------------------


async def test_objects_have_azures_fields(served: AssistantServer) -> None:
    """Agents and runs lack reasoning_effort, usages completion details; runs keep resources."""
    served.set_script([[{"text": "Hi."}]])
    _, agent = await raw(served, "POST", "/assistants", {"model": "gpt-4o"})
    resources = {"mcp": [{"server_label": "github", "require_approval": "never", "headers": {}}]}
    _, thread = await raw(
        served, "POST", "/threads", {"messages": [{"role": "user", "content": "hi"}]}
    )
    run_body = {"assistant_id": agent["id"], "tool_resources": resources}
    _, run = await raw(served, "POST", f"/threads/{thread['id']}/runs", run_body)
    run = await until(served, run, "completed")
    _, steps = await raw(served, "GET", f"/threads/{thread['id']}/runs/{run['id']}/steps")
    assert "reasoning_effort" not in agent
    assert "reasoning_effort" not in run
    assert resources == run["tool_resources"]
    assert {"prompt_token_details"} == run["usage"].keys() - {
        "prompt_tokens",
        "completion_tokens",
        "total_tokens",
    }
    assert "completion_tokens_details" not in steps["data"][0]["usage"]
    assert "expires_at" in steps["data"][0]


# -- answering a run that waits for approvals -------------------------------------------------


async def test_approvals_are_checked_against_the_calls_waiting(served: AssistantServer) -> None:
    """Other ids, outputs instead of approvals, both, or a bad ``approve`` are 400s."""
    run = await waiting(served, [[SEARCH]])
    [call] = run["required_action"]["submit_tool_approval"]["tool_calls"]
    path = submit_path(run)
    refusals = {
        "ids": {"tool_approvals": [{"tool_call_id": "call_other", "approve": True}]},
        "outputs": {"tool_outputs": [{"tool_call_id": call["id"], "output": "x"}]},
        "both": {"tool_outputs": [], "tool_approvals": []},
        "neither": {"stream": False},
        "approve": {"tool_approvals": [{"tool_call_id": call["id"], "approve": "yes"}]},
        "extra": {"tool_approvals": [{"tool_call_id": call["id"], "approve": True, "x": 1}]},
    }
    messages = {}
    for name, body in refusals.items():
        status, answer = await raw(served, "POST", path, body)
        assert 400 == status, name
        messages[name] = answer["error"]["message"]
    assert (
        f"Expected tool approvals for call_ids ['{call['id']}'], got ['call_other']"
        == (messages["ids"])
    )
    assert (
        "The run is waiting for tool approvals: submit 'tool_approvals', not 'tool_outputs'."
        == messages["outputs"]
    )
    assert "Provide exactly one of 'tool_outputs' and 'tool_approvals'." == messages["both"]
    assert messages["both"] == messages["neither"]
    approval = {"tool_call_id": call["id"], "approve": True, "headers": {"X-Key": MCP_SECRET}}
    status, queued = await raw(served, "POST", path, {"tool_approvals": [approval]})
    assert (200, "queued") == (status, queued["status"])


async def test_a_run_waiting_for_outputs_refuses_approvals(served: AssistantServer) -> None:
    """Approvals for a run that waits for function outputs are a 400."""
    run = await waiting(served, [[{"function_call": {"name": "f"}}]])
    [call] = run["required_action"]["submit_tool_outputs"]["tool_calls"]
    body = {"tool_approvals": [{"tool_call_id": call["id"], "approve": True}]}
    status, answer = await raw(served, "POST", submit_path(run), body)
    expected = "The run is waiting for tool outputs: submit 'tool_outputs', not 'tool_approvals'."
    assert (400, expected) == (status, answer["error"]["message"])


async def test_approvals_need_the_preview_api_version(served: AssistantServer) -> None:
    """Before ``2025-05-15-preview`` a submit takes no ``tool_approvals`` (as the service's)."""
    run = await waiting(served, [[SEARCH]])
    [call] = run["required_action"]["submit_tool_approval"]["tool_calls"]
    body = {"tool_approvals": [{"tool_call_id": call["id"], "approve": True}]}
    status, answer = await raw(served, "POST", submit_path(run), body, version="v1")
    expected = "Unrecognized request argument supplied: tool_approvals"
    assert (400, expected) == (status, answer["error"]["message"])


async def test_recorded_requests_mask_the_approval_headers(served: AssistantServer) -> None:
    """A Received's repr hides the token and the headers meant for the MCP server."""
    run = await waiting(served, [[SEARCH]])
    [call] = run["required_action"]["submit_tool_approval"]["tool_calls"]
    approval = {"tool_call_id": call["id"], "approve": True, "headers": {"X-Key": MCP_SECRET}}
    await raw(served, "POST", submit_path(run), {"tool_approvals": [approval]})
    shown = repr(served.requests[-1])
    assert (MCP_SECRET, TOKEN) == (
        served.requests[-1].json["tool_approvals"][0]["headers"]["X-Key"],
        served.requests[-1].headers["Authorization"].removeprefix("Bearer "),
    )
    assert MCP_SECRET not in shown
    assert TOKEN not in shown
    assert "'X-Key': '***'" in shown


async def test_azure_parts_need_the_azure_flavour() -> None:
    """An OpenAI-flavoured server refuses a script with Azure's parts."""
    with pytest.raises(ScriptError, match="'mcp_call' is a part of Azure AI Agents"):
        AssistantServer(script=[[SEARCH]])


# -- this package's client --------------------------------------------------------------------


async def test_for_azure_streams_an_mcp_approval_by_hand(served: AssistantServer) -> None:
    """``for_azure`` streams to the approval, approves, and the same stream completes."""
    served.set_script([[{"text": "Let me look."}, SEARCH], [{"text": "It is required."}]])
    client = AssistantClient.for_azure(
        served.azure_endpoint, api_version=VERSION, api_key=TOKEN, max_retries=0
    )
    async with client:
        agent = await client.assistants.create(model="gpt-4o")
        thread = await client.threads.create(messages=[{"role": "user", "content": "Why?"}])
        async with client.threads.runs.stream(thread.id, assistant_id=agent.id) as stream:
            await stream.until_done()
            paused, run = stream.state, stream.current_run
            assert run is not None
            assert run.required_action is not None
            action = run.required_action.submit_tool_approval
            assert action is not None
            call_id = action.tool_calls[0].id
            await stream.submit_tool_approvals([{"tool_call_id": call_id, "approve": True}])
            text = [message.content[0].text.value for message in await stream.get_final_messages()]  # type: ignore[union-attr]
            final = await stream.get_final_run()
    assert StreamState.PAUSED == paused
    assert "completed" == final.run.status
    assert ["Let me look.", "It is required."] == text
    submitted = served.requests[-1]
    assert ({"api-version": VERSION}, [{"tool_call_id": call_id, "approve": True}]) == (
        submitted.query,
        submitted.json["tool_approvals"],
    )
