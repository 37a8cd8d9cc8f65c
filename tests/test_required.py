"""Tests for assistant_stream._required: the pending calls of a run, and answers checked."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from tool_bodies import action

from assistant_stream import ConfigurationError, RequiredToolCall, ToolOutput
from assistant_stream._decode import decode_object
from assistant_stream._required import (
    required_tool_calls,
    tool_approvals_body,
    tool_outputs_body,
)
from assistant_stream.types import Run


def run_of(status: str, required_action: Any = None) -> Run:
    """A run decoded from its JSON, as a stream would have it."""
    data = {"id": "run_1", "thread_id": "thread_1", "status": status}
    if required_action is not None:
        data["required_action"] = required_action
    return decode_object("a run", orjson.dumps(data), Run)


def test_nothing_is_pending_unless_the_run_requires_action() -> None:
    """No run, another status, or no action: no calls."""
    assert () == required_tool_calls(None)
    assert () == required_tool_calls(run_of("in_progress", action([("c", "f", "{}")])))
    assert () == required_tool_calls(run_of("requires_action"))


def test_calls_keep_the_raw_arguments_and_parse_them() -> None:
    """Each call has its id, name, raw arguments and parsed object, in order."""
    calls = [("c1", "f", '{"a": [1, 2]}'), ("c2", "g", "")]
    pending = required_tool_calls(run_of("requires_action", action(calls)))
    assert (
        RequiredToolCall("c1", "f", '{"a": [1, 2]}', {"a": [1, 2]}),
        RequiredToolCall("c2", "g", "", {}),
    ) == pending


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [("{oops", "the arguments are not JSON"), ('"text"', "the arguments are a JSON str")],
)
def test_bad_arguments_are_reported_on_the_call(arguments: str, problem: str) -> None:
    """Arguments that are not a JSON object give ``parsed=None`` and an error, no exception."""
    (call,) = required_tool_calls(run_of("requires_action", action([("c1", "f", arguments)])))
    assert (None, arguments) == (call.parsed, call.arguments)
    assert call.error is not None
    assert call.error.startswith(problem)


def test_calls_of_unknown_kinds_are_left_out() -> None:
    """A required call of a kind this version does not know takes no output: not listed."""
    required = action([("c1", "f", "{}")])
    required["submit_tool_outputs"]["tool_calls"].append({"id": "c2", "type": "mcp"})
    assert ["c1"] == [c.id for c in required_tool_calls(run_of("requires_action", required))]


def test_outputs_come_as_a_list_a_mapping_or_tool_outputs() -> None:
    """The three forms give the same request field."""
    call = RequiredToolCall("c1", "f", "{}", {})
    expected = [{"tool_call_id": "c1", "output": "x"}]
    assert expected == tool_outputs_body({"c1": "x"})
    assert expected == tool_outputs_body([{"tool_call_id": "c1", "output": "x"}])
    assert expected == tool_outputs_body([ToolOutput(call, "x")])
    assert [] == tool_outputs_body([])


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ({"": "x"}, "non-empty str"),
        ({"c1": None}, "must be a str, not NoneType"),
        (["c1"], "tool output 0 must be a mapping"),
        ({"c1": "x", "c2": 1}, "the output for c2"),
    ],
)
def test_bad_outputs_are_configuration_errors(outputs: Any, message: str) -> None:
    """Each malformed answer is refused, naming the entry."""
    with pytest.raises(ConfigurationError, match=message):
        tool_outputs_body(outputs)


def test_approvals_are_checked_and_sent_as_given() -> None:
    """An approval needs a str id and a bool; other keys (headers) are kept."""
    approval = {"tool_call_id": "c1", "approve": False, "headers": {"X": "1"}}
    assert [approval] == tool_approvals_body([approval])
    for bad in ({"tool_call_id": "c1"}, {"tool_call_id": 1, "approve": True}, "c1"):
        with pytest.raises(ConfigurationError, match="tool approval 0"):
            tool_approvals_body([bad])  # type: ignore[list-item]
