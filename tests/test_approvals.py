"""Tests of ``assistant_stream._approvals``: MCP approvals decided by ``ToolRegistry(approve=)``.

The server is the loopback one: a run asks for approval of MCP calls (Azure's
``submit_tool_approval``), the registry's policy decides, the stream submits the approvals
and reads the rest of the run.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from builders import Recorder, run
from builders import body as sse_body
from loopback import Loopback, Reply
from shared_data import RECORDED, requires_recordings
from tool_bodies import answered

from assistant_stream import (
    BadRequestError,
    RequiredToolCall,
    StreamState,
    ToolCallError,
    ToolLoopError,
    ToolRegistry,
)
from assistant_stream._approvals import ToolApproval

SECRET = "ghp_secret-token-0123456789abcdef"
CALLS = [
    {"id": "call_a", "type": "mcp", "name": "search", "arguments": '{"q": "x"}',
     "server_label": "github"},
    {"id": "call_b", "type": "mcp", "name": "delete_repo", "arguments": "{}",
     "server_label": "github"},
]  # fmt: skip


def asking_approval(calls: list[dict[str, Any]] = CALLS, *, first: bool = True) -> bytes:
    """A body that stops at ``requires_action`` of type ``submit_tool_approval``."""
    action = {"type": "submit_tool_approval", "submit_tool_approval": {"tool_calls": calls}}
    return sse_body(
        *([("thread.run.created", run("queued"))] if first else []),
        ("thread.run.requires_action", run("requires_action", required_action=action)),
    )


def approvals_sent(server: Loopback) -> list[Any]:
    """The ``tool_approvals`` of every submit the server received."""
    return [r.json.get("tool_approvals") for r in server.requests if "submit_tool" in r.path]


async def streamed(
    server: Loopback, registry: ToolRegistry, handler: Any = None, **options: Any
) -> Any:
    """A create-and-run stream answered by ``registry``, read to its end; its final run."""
    async with (
        server.client() as client,
        client.threads.create_and_run_stream(
            assistant_id="asst_1", handler=handler, answer_tools=registry, **options
        ) as stream,
    ):
        await stream.until_done()
        assert StreamState.FINISHED == stream.state
        return await stream.get_final_run()


def only_search(call: RequiredToolCall) -> bool:
    """Approve reading, refuse the rest."""
    return call.name == "search"


async def test_the_policy_decides_each_call_and_the_stream_goes_on(server: Loopback) -> None:
    """``approve=`` is asked about each MCP call; one request submits every decision."""
    seen: list[tuple[str, str | None, Any]] = []

    def policy(call: RequiredToolCall) -> bool:
        seen.append((call.name, call.server_label, call.parsed))
        return only_search(call)

    server.script(Reply.stream(asking_approval()), Reply.stream(answered()))
    final = await streamed(server, ToolRegistry(approve=policy))
    assert "completed" == final.run.status
    assert [("search", "github", {"q": "x"}), ("delete_repo", "github", {})] == seen
    assert [
        [{"tool_call_id": "call_a", "approve": True}, {"tool_call_id": "call_b", "approve": False}]
    ] == approvals_sent(server)


async def test_an_async_policy_may_send_headers_to_the_mcp_server(server: Loopback) -> None:
    """``(True, headers)`` approves with headers; an ``async def`` policy is awaited."""

    async def policy(call: RequiredToolCall) -> tuple[bool, dict[str, str]]:
        return True, {"Authorization": f"Bearer {SECRET}"}

    server.script(Reply.stream(asking_approval(CALLS[:1])), Reply.stream(answered()))
    await streamed(server, ToolRegistry(approve=policy))
    headers = {"Authorization": f"Bearer {SECRET}"}
    assert [[{"tool_call_id": "call_a", "approve": True, "headers": headers}]] == (
        approvals_sent(server)
    )


async def test_without_a_policy_the_stream_pauses_for_the_caller(server: Loopback) -> None:
    """No ``approve=``: the calls are listed, nothing is sent, and the caller answers."""
    server.script(Reply.stream(asking_approval()), Reply.stream(answered()))
    async with (
        server.client() as client,
        client.threads.create_and_run_stream(assistant_id="asst_1") as stream,
    ):
        await stream.until_done()
        pending = stream.required_tool_calls
        assert (StreamState.PAUSED, ["mcp", "mcp"]) == (stream.state, [c.type for c in pending])
        await stream.submit_tool_approvals(
            [{"tool_call_id": call.id, "approve": True} for call in pending]
        )
        await stream.until_done()
        assert StreamState.FINISHED == stream.state


async def test_a_failing_policy_refuses_its_call_and_says_so(
    server: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    """The call is refused, the error goes to ``on_tool_error`` and the log, not the rest."""

    def policy(call: RequiredToolCall) -> Any:
        if call.name == "search":
            raise RuntimeError(f"vault unreachable for {SECRET}")
        return "yes"  # not a decision

    recorder = Recorder()
    server.script(Reply.stream(asking_approval()), Reply.stream(answered()))
    with caplog.at_level(logging.WARNING, logger="assistant_stream"):
        await streamed(server, ToolRegistry(approve=policy), recorder)
    assert [[{"tool_call_id": "call_a", "approve": False},
             {"tool_call_id": "call_b", "approve": False}]] == approvals_sent(server)  # fmt: skip
    errors = [args[1] for args in recorder.args("on_tool_error")]
    assert [RuntimeError, ToolCallError] == [type(error) for error in errors]
    assert "return True, False or (True, {header: value})" in str(errors[1])
    assert 2 == len(caplog.records)
    assert all(SECRET not in record.getMessage() for record in caplog.records)


async def test_with_raise_errors_a_failing_policy_fails_the_stream(server: Loopback) -> None:
    """``raise_errors=True``: the policy's exception ends the stream; nothing is sent."""

    def policy(call: RequiredToolCall) -> bool:
        raise LookupError("no rule for this server")

    server.script(Reply.stream(asking_approval()))
    with pytest.raises(LookupError, match="no rule"):
        await streamed(server, ToolRegistry(approve=policy, raise_errors=True))
    assert [] == approvals_sent(server)


async def test_approval_rounds_count_towards_max_rounds(server: Loopback) -> None:
    """An approval answered is a round: the one after ``max_rounds`` cancels the run."""
    server.script(
        Reply.stream(asking_approval(CALLS[:1])),
        Reply.stream(asking_approval(CALLS[:1], first=False)),
        Reply.json(run("cancelling")),
    )
    with pytest.raises(ToolLoopError) as caught:
        await streamed(server, ToolRegistry(approve=only_search, max_rounds=1))
    assert (1, True) == (caught.value.rounds, caught.value.cancelled)


def test_an_approvals_repr_masks_its_headers() -> None:
    """A ``ToolApproval`` shows which headers it carries, never their values."""
    call = RequiredToolCall("call_a", "search", "{}", {}, type="mcp", server_label="github")
    approval = ToolApproval(call, True, {"Authorization": SECRET})
    assert SECRET not in repr(approval)
    assert "'Authorization': '***'" in repr(approval)
    assert {"tool_call_id": "call_a", "approve": True, "headers": {"Authorization": SECRET}} == (
        approval.body()
    )


async def test_headers_echoed_by_the_server_are_masked_in_errors(server: Loopback) -> None:
    """A refused approval whose error quotes the header value raises with it masked."""
    refusal = {"error": {"message": f"bad header {SECRET}", "type": "invalid_request_error"}}
    server.script(Reply.stream(asking_approval(CALLS[:1])), Reply.json(refusal, status=400))
    async with (
        server.client() as client,
        client.threads.create_and_run_stream(assistant_id="asst_1") as stream,
    ):
        await stream.until_done()
        with pytest.raises(BadRequestError) as caught:
            await stream.submit_tool_approvals(
                [{"tool_call_id": "call_a", "approve": True, "headers": {"X-Token": SECRET}}]
            )
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)
    assert "***" in caught.value.message


async def test_headers_echoed_by_the_server_are_masked_in_the_recording(
    server: Loopback,
) -> None:
    """A follow-up body that quotes the header is recorded with it masked, even across writes."""
    echoed = answered(f"The token was {SECRET}.")
    middle = echoed.index(SECRET.encode()) + 5
    sink = io.BytesIO()
    server.script(
        Reply.stream(asking_approval(CALLS[:1])), Reply.stream(echoed[:middle], echoed[middle:])
    )

    def policy(call: RequiredToolCall) -> tuple[bool, dict[str, str]]:
        return True, {"X-Token": SECRET}

    await streamed(server, ToolRegistry(approve=policy), record_to=sink)
    recorded = sink.getvalue()
    assert SECRET.encode() not in recorded
    assert asking_approval(CALLS[:1]) + echoed.replace(SECRET.encode(), b"***") == recorded


@requires_recordings
async def test_the_recorded_mcp_approval_is_listed_and_decided(server: Loopback) -> None:
    """Azure's recorded ``submit_tool_approval`` (001-mcp) is decided by the policy."""
    server.script(Reply.stream((RECORDED / "azure" / "001-mcp.sse").read_bytes()))
    server.script(Reply.stream(answered()))
    names: list[str] = []

    def policy(call: RequiredToolCall) -> bool:
        names.append(f"{call.server_label}/{call.name}")
        return True

    await streamed(server, ToolRegistry(approve=policy))
    assert ["github/fetch_azure_rest_api_docs"] == names
    assert [[{"tool_call_id": "call_7xWS61tAxJO9euluKVIX5aJH", "approve": True}]] == (
        approvals_sent(server)
    )


def test_approve_must_be_callable() -> None:
    """Anything else is a ``ConfigurationError`` when the registry is made."""
    from assistant_stream import ConfigurationError

    with pytest.raises(ConfigurationError, match="approve must be a callable"):
        ToolRegistry(approve=True)  # type: ignore[arg-type]
