"""Tests of ``assistant_stream.testing._azure_play``: Azure's parts played into the store.

No HTTP: a ``Store(azure=True)`` and ``play`` make the events a run sends, which this
package's core must decode (no unknown event) and accumulate; the store's run, steps and
required action say what the events said. The shapes of the recorded kinds are held
against the recordings by ``test_azure_realism``; these tests cover what no recording has
(a connected agent, an MCP call without approval, approvals answered both ways, a listing
shared by the calls of one run).
"""

from __future__ import annotations

import random
from typing import Any

import orjson

from assistant_stream import UnknownEvent, decode_event
from assistant_stream.accumulate import Accumulator
from assistant_stream.testing._player import play
from assistant_stream.testing._script import parse_script
from assistant_stream.testing._store import RunState, Store


def started(store: Store) -> RunState:
    """A run of a new agent on a thread with one question."""
    agent = store.create_assistant({"model": "gpt-4o"})
    thread = store.create_thread({"messages": [{"role": "user", "content": "hi"}]})
    return store.start_run(thread["id"], {"assistant_id": agent["id"]})


def played(store: Store, state: RunState, turn: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """The turn played for the run: the events, decoded by the core and accumulated."""
    [script_turn] = parse_script([turn], azure=True)
    assert isinstance(script_turn, tuple)
    accumulator = Accumulator()
    events = []
    for name, data in play(store, state, script_turn, random.Random(0)):
        event = decode_event(name, data.decode())
        assert not isinstance(event, UnknownEvent), name
        accumulator.feed(event)
        events.append((name, orjson.loads(data)))
    return events


def names(events: list[tuple[str, Any]]) -> list[str]:
    return [name for name, _ in events if not name.endswith(".delta")]


def test_a_connected_agent_streams_its_arguments_then_its_run() -> None:
    """A connected agent's call opens, streams its arguments, then gives its output and ids."""
    store = Store(0, azure=True)
    state = started(store)
    turn = [{"connected_agent": {"name": "helper", "arguments": {"q": "x"}, "output": "done"}}]
    events = played(store, state, turn)
    deltas = [d["delta"]["step_details"]["tool_calls"][0] for n, d in events if n.endswith("delta")]
    assert {"name": "helper", "arguments": "", "output": None} == deltas[0]["connected_agent"]
    assert '{"q":"x"}' == "".join(d["connected_agent"].get("arguments", "") for d in deltas)
    [call] = state.steps[0]["step_details"]["tool_calls"]
    details = call["connected_agent"]
    assert {"name", "arguments", "output", "run_id", "thread_id", "assistant_id"} == set(details)
    assert ("done", "run_", "asst_") == (
        details["output"],
        details["run_id"][:4],
        details["assistant_id"][:5],
    )
    assert "completed" == state.run["status"]
    assert "completion_tokens_details" not in state.run["usage"]


def test_an_mcp_call_without_approval_runs_at_once() -> None:
    """Listed, called and answered in one turn: the output comes in a second delta."""
    store = Store(0, azure=True)
    state = started(store)
    turn = [
        {
            "mcp_call": {
                "server_label": "gh",
                "name": "a",
                "output": "A",
                "require_approval": "never",
            }
        }
    ]
    events = played(store, state, turn)
    assert [
        "thread.run.created", "thread.run.queued", "thread.run.in_progress",
        "thread.run.step.created", "thread.run.step.in_progress", "thread.run.step.completed",
        "thread.run.step.created", "thread.run.step.in_progress", "thread.run.step.completed",
        "thread.run.completed",
    ] == names(events)  # fmt: skip
    listing, step = state.steps
    assert ("activities", 0) == (listing["type"], listing["usage"]["total_tokens"])
    [call] = step["step_details"]["tool_calls"]
    assert ("mcp", "A", "gh") == (call["type"], call["output"], call["server_label"])


def test_mcp_approvals_wait_then_fill_the_approved_outputs() -> None:
    """Two servers are listed in one step; approved, a call gets its output, refused, none."""
    store = Store(0, azure=True)
    state = started(store)
    first = [
        {"mcp_call": {"server_label": "gh", "name": "a", "output": "A"}},
        {"mcp_call": {"server_label": "docs", "name": "b", "output": "B"}},
    ]
    played(store, state, first)
    [listing] = [s for s in state.steps if s["type"] == "activities"]
    assert ["gh", "docs"] == [a["server_label"] for a in listing["step_details"]["activities"]]
    action = state.run["required_action"]
    assert ("requires_action", "submit_tool_approval") == (state.run["status"], action["type"])
    calls = action["submit_tool_approval"]["tool_calls"]
    assert [{"id", "type", "arguments", "name", "server_label"}] * 2 == [set(c) for c in calls]
    approvals = [
        {"tool_call_id": calls[0]["id"], "approve": True, "headers": {}},
        {"tool_call_id": calls[1]["id"], "approve": False, "headers": {}},
    ]
    store.approve(state.run["thread_id"], state.run["id"], approvals)
    events = played(store, state, [{"text": "Only A."}])
    assert "thread.run.step.completed" == events[0][0]
    assert ["A", None] == [c["output"] for c in events[0][1]["step_details"]["tool_calls"]]
    assert [{"tool_call_id": calls[0]["id"], "output": "A"}] == state.outputs
    assert "completed" == state.run["status"]


def test_a_run_lists_a_servers_tools_once() -> None:
    """A second MCP call to the same server in the same run is not listed again."""
    store = Store(0, azure=True)
    state = started(store)
    played(store, state, [{"mcp_call": {"server_label": "gh", "name": "a"}}])
    [call] = state.run["required_action"]["submit_tool_approval"]["tool_calls"]
    store.approve(
        state.run["thread_id"], state.run["id"], [{"tool_call_id": call["id"], "approve": True}]
    )
    played(store, state, [{"mcp_call": {"server_label": "gh", "name": "a"}}])
    assert ["activities", "tool_calls", "tool_calls"] == [s["type"] for s in state.steps]


def test_a_run_waiting_for_approval_is_cancelled_at_once() -> None:
    """Cancelling a run that waits for approvals ends it, as one waiting for outputs."""
    store = Store(0, azure=True)
    state = started(store)
    played(store, state, [{"mcp_call": {"server_label": "gh", "name": "a"}}])
    store.cancel(state.run["thread_id"], state.run["id"])
    assert ("cancelled", None) == (state.run["status"], state.run["required_action"])
