"""How a run plays Azure AI Foundry Agents' own parts (``_azure_parts``), event by event.

Each is played as the recordings show it (``../shared/recorded/azure/``), into a
``tool_calls`` step that opens with ``created`` and ``in_progress`` and ends ``completed``:

- ``mcp_call``: first an ``activities`` step (``created``, ``in_progress``, ``completed``,
  with no usage) whose ``mcp_list_tools`` activity lists the tools of each server this run
  has not listed yet; then the tool step, whose first delta carries the whole call, its
  fields flat (``arguments``, ``name``, ``server_label``, ``output: null``). Calls that need
  approval stop there: the run waits at ``requires_action`` of type
  ``submit_tool_approval``; a call that does not gets its ``output`` in a second delta.
- ``bing_grounding``: a delta opening the call (``requesturl: ""``,
  ``response_metadata: null``), then one with the URL, then one with the metadata.
- ``azure_function`` and ``connected_agent``: a delta opening the call (``name``,
  ``arguments: ""``, ``output: null``), the arguments in pieces, then the output (with, for
  a connected agent, the ids of the run it made).

Rule - ``_player``'s rules hold: each event is serialized when it is made, and the store
already holds what it says. The player resumes a run whose MCP calls were answered (the
step completes, approved calls with their output), as after tool outputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from ._azure_parts import AzureFunction, BingGrounding, ConnectedAgent, McpCall
from ._emit import CODE_PIECE, Emit, delta, pieces

if TYPE_CHECKING:
    from ._player import _Player
    from ._script import Part

__all__ = ["bing_grounding", "called", "mcp_approvals", "mcp_call"]

STEP_DELTA: Final = "thread.run.step.delta"


def _listing(player: _Player, calls: list[McpCall]) -> Iterator[Emit]:
    """The ``activities`` step listing the tools of the servers the run has not listed."""
    tools: dict[str, dict[str, Any]] = {}
    for call in calls:
        if call.server_label not in player.state.listed:
            tools.setdefault(call.server_label, {}).update(call.tools)
    if not tools:
        return
    player.state.listed.update(tools)
    yield from player._new_step({"type": "activities", "activities": []})
    step = player.state.steps[-1]
    activities = [
        {
            "id": player.store.ids.new("activity"),
            "type": "mcp_list_tools",
            "server_label": label,
            "tools": listed,
        }
        for label, listed in tools.items()
    ]
    step["step_details"] = {"type": "activities", "activities": activities}
    yield player._end_step(step, 0, free=True)


def _mcp(call_id: str, part: McpCall, output: str | None) -> dict[str, Any]:
    """An ``mcp`` tool call as a step holds it (the fields flat on the call)."""
    return {
        "id": call_id,
        "type": "mcp",
        "arguments": part.arguments,
        "name": part.name,
        "server_label": part.server_label,
        "output": output,
    }


def _call_delta(step: dict[str, Any], call: dict[str, Any]) -> Emit:
    body = {"step_details": {"type": "tool_calls", "tool_calls": [call]}}
    return delta(STEP_DELTA, step["id"], body)


def _mcp_step(player: _Player, calls: list[McpCall]) -> Iterator[Emit]:
    """The listing, then the tool step with each call's opening delta (output null)."""
    yield from _listing(player, calls)
    yield from player._tool_step()
    step = player.state.steps[-1]
    held = []
    for index, part in enumerate(calls):
        call = _mcp(player.store.ids.new("call"), part, None)
        held.append(call)
        yield _call_delta(step, {"index": index, **call})
    step["step_details"]["tool_calls"] = held


def mcp_call(player: _Player, part: McpCall, cut: bool) -> Iterator[Emit]:
    """An MCP call that needs no approval: listed, called, answered."""
    yield from _mcp_step(player, [part])
    step = player.state.steps[-1]
    yield _call_delta(step, {"index": 0, "type": "mcp", "output": part.output})
    step["step_details"]["tool_calls"][0]["output"] = part.output
    yield player._end_step(step, 10)


def mcp_approvals(player: _Player, calls: list[Part]) -> Iterator[Emit]:
    """MCP calls that need approval: the run waits at ``submit_tool_approval``."""
    parts = [call for call in calls if isinstance(call, McpCall)]
    yield from _mcp_step(player, parts)
    step = player.state.steps[-1]
    required = []
    for held, part in zip(step["step_details"]["tool_calls"], parts, strict=True):
        required.append({key: held[key] for key in ("id", "type", "arguments", "name")})
        required[-1]["server_label"] = part.server_label
        player.state.approval_outputs[held["id"]] = part.output
    player.state.waiting = step
    player.store.end_run(
        player.state,
        "requires_action",
        required_action={
            "type": "submit_tool_approval",
            "submit_tool_approval": {"tool_calls": required},
        },
    )
    yield player._run_event("requires_action")


def bing_grounding(player: _Player, part: BingGrounding, cut: bool) -> Iterator[Emit]:
    """A Bing search: its URL, then what Bing said of it."""
    yield from player._tool_step()
    step = player.state.steps[-1]
    call_id = player.store.ids.new("call")
    opening = {"requesturl": "", "response_metadata": None}
    yield player._step_delta(step, "bing_grounding", opening, ident=call_id)
    yield player._step_delta(step, "bing_grounding", {"requesturl": part.requesturl})
    if part.response_metadata is not None:
        metadata = {"response_metadata": part.response_metadata}
        yield player._step_delta(step, "bing_grounding", metadata)
    found = {"requesturl": part.requesturl, "response_metadata": part.response_metadata}
    step["step_details"]["tool_calls"] = [
        {"id": call_id, "type": "bing_grounding", "bing_grounding": found}
    ]
    yield player._end_step(step, 20)


def called(player: _Player, part: AzureFunction | ConnectedAgent, cut: bool) -> Iterator[Emit]:
    """An Azure Function or a connected agent, called by the service itself."""
    kind = "azure_function" if isinstance(part, AzureFunction) else "connected_agent"
    yield from player._tool_step()
    step = player.state.steps[-1]
    call_id = player.store.ids.new("call")
    opening = {"name": part.name, "arguments": "", "output": None}
    yield player._step_delta(step, kind, opening, ident=call_id)
    cut_arguments = pieces(part.arguments, player.rng, CODE_PIECE)
    for piece in cut_arguments:
        yield player._step_delta(step, kind, {"arguments": piece})
    ended: dict[str, Any] = {"output": part.output}
    if isinstance(part, ConnectedAgent):
        ids = player.store.ids
        ended.update(run_id=ids.new("run"), thread_id=ids.new("thread"))
        ended["assistant_id"] = ids.new("asst")
    yield player._step_delta(step, kind, ended)
    details = {"name": part.name, "arguments": part.arguments, **ended}
    step["step_details"]["tool_calls"] = [{"id": call_id, "type": kind, kind: details}]
    yield player._end_step(step, len(cut_arguments) + 1)
