"""Tests for the Azure AI Agents models, decoded as the wire sends them.

They are types.azure_tool_calls, types.azure_tool_call_deltas and the activities of
types.run_step; the Azure tools of types.tools are ``test_azure_tools``.

Field names are checked against payloads written from ``azure-ai-agents`` 1.2.0b6 (every key
must survive a round trip: a misspelt field would drop its key), and against the recorded
Azure streams (nothing may decode as an ``Unknown...`` member). The strict drift check of
the recordings is ``test_azure_drift``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
from helpers import unknown_members, walk
from shared_data import azure_recordings, requires_azure_recordings

from assistant_stream import DoneEvent, UnknownEvent, decode_event
from assistant_stream import types as t
from assistant_stream._converter import FAST
from assistant_stream.errors import MalformedEventError
from assistant_stream.sse import SSEDecoder


def decode_body(path: Path) -> list[Any]:
    """The typed events of a recorded body."""
    decoder = SSEDecoder()
    frames = decoder.feed(path.read_bytes()) + decoder.finish()
    return [decode_event(frame.event, frame.data) for frame in frames]


def step_delta_of(*tool_calls: dict[str, Any]) -> Any:
    """The decoded data of a ``thread.run.step.delta`` carrying the tool-call patches."""
    details = {"type": "tool_calls", "tool_calls": list(tool_calls)}
    data = {"id": "step_1", "delta": {"step_details": details}}
    return decode_event("thread.run.step.delta", orjson.dumps(data)).data


# -- the recordings ----------------------------------------------------------------------


@requires_azure_recordings
@pytest.mark.parametrize("path", azure_recordings(), ids=lambda p: p.stem)
def test_azure_recordings_decode_without_unknowns(path: Path) -> None:
    """Every event, tool call, delta, step detail, activity, tool and action is typed."""
    events = decode_body(path)
    assert [] == [event for event in events if isinstance(event, UnknownEvent)]
    assert [] == [type(member).__name__ for event in events for member in unknown_members(event)]
    assert isinstance(events[-1], DoneEvent)


@requires_azure_recordings
def test_azure_recordings_show_the_azure_models() -> None:
    """The recordings exercise the Azure models, so the test above checks them."""
    seen = {
        type(model)
        for path in azure_recordings()
        for event in decode_body(path)
        for model in walk(event)
    }
    expected = {
        t.McpTool,
        t.McpToolCallDelta,
        t.ActivitiesStepDetails,
        t.McpListToolsActivity,
        t.McpListedTool,
        t.RequiredActionSubmitToolApproval,
        t.RequiredActionMcpToolCall,
        t.BingGroundingTool,
        t.BingSearchConfiguration,
        t.BingGroundingToolCall,
        t.BingGroundingToolCallDelta,
        t.URLCitationDeltaAnnotation,
        t.AzureFunctionTool,
        t.AzureFunctionStorageQueue,
        t.AzureFunctionToolCall,
        t.AzureFunctionToolCallDelta,
    }
    assert expected == expected & seen


@requires_azure_recordings
def test_recorded_mcp_activity_lists_each_tool_with_its_schema() -> None:
    """The MCP ``activities`` step maps each tool name to its description and schema."""
    (path,) = [p for p in azure_recordings() if p.name.startswith("001-")]
    (details,) = [
        event.data.step_details
        for event in decode_body(path)
        if event.event == "thread.run.step.completed"
    ]
    (activity,) = details.activities
    assert ("github", "mcp_list_tools") == (activity.server_label, activity.type)
    tool = activity.tools["search_azure_rest_api_docs"]
    assert ["query"] == tool.parameters["required"]
    assert all(type(listed) is t.McpListedTool for listed in activity.tools.values())


# -- every kind, field by field ----------------------------------------------------------

#: Each kind: its full call payload (every field the SDK declares, distinct values), its
#: class, and its delta class. ``index`` is added for the delta.
CALLS: dict[str, tuple[dict[str, Any], type, type]] = {
    "mcp": (
        {"name": "fetch", "arguments": "{}", "output": "done", "server_label": "github"},
        t.McpToolCall,
        t.McpToolCallDelta,
    ),
    "bing_grounding": (
        {"bing_grounding": {"requesturl": "https://b/?q=1", "response_metadata": "{'a': 1}"}},
        t.BingGroundingToolCall,
        t.BingGroundingToolCallDelta,
    ),
    "bing_custom_search": (
        {"bing_custom_search": {"requesturl": "https://c/", "response_metadata": "{}"}},
        t.BingCustomSearchToolCall,
        t.BingCustomSearchToolCallDelta,
    ),
    "azure_ai_search": (
        {"azure_ai_search": {"input": "q", "output": "{'url': 'u'}"}},
        t.AzureAISearchToolCall,
        t.AzureAISearchToolCallDelta,
    ),
    "azure_function": (
        {"azure_function": {"name": "foo", "arguments": '{"q": 1}', "output": "Bar"}},
        t.AzureFunctionToolCall,
        t.AzureFunctionToolCallDelta,
    ),
    "connected_agent": (
        {
            "connected_agent": {
                "name": "helper",
                "arguments": "{}",
                "output": "ok",
                "run_id": "run_2",
                "thread_id": "thread_2",
                "assistant_id": "asst_2",
            }
        },
        t.ConnectedAgentToolCall,
        t.ConnectedAgentToolCallDelta,
    ),
    "sharepoint_grounding": (
        {"sharepoint_grounding": {"input": "policy", "output": "found"}},
        t.SharepointGroundingToolCall,
        t.SharepointGroundingToolCallDelta,
    ),
    "fabric_dataagent": (
        {"fabric_dataagent": {"input": "sales?", "output": "42"}},
        t.FabricDataAgentToolCall,
        t.FabricDataAgentToolCallDelta,
    ),
    "deep_research": (
        {"deep_research": {"input": "topic", "output": "report"}},
        t.DeepResearchToolCall,
        t.DeepResearchToolCallDelta,
    ),
    "openapi": (
        {"function": {"name": "get_weather", "arguments": "{}", "output": "sunny"}},
        t.OpenAPIToolCall,
        t.OpenAPIToolCallDelta,
    ),
    "browser_automation": (
        {
            "browser_automation": {
                "input": "book",
                "output": "booked",
                "steps": [{"last_step_result": "a", "current_state": "b", "next_step": "c"}],
            }
        },
        t.BrowserAutomationToolCall,
        t.BrowserAutomationToolCallDelta,
    ),
    "computer_use_preview": (
        {
            "computer_use_preview": {
                "action": {"type": "click", "x": 1, "y": 2, "button": "left"},
                "pending_safety_checks": [{"id": "sc_1", "code": "c", "message": "m"}],
                "output": {"type": "computer_screenshot", "image_url": "data:", "file_id": "f"},
                "acknowledged_safety_checks": [{"id": "sc_1", "code": "c", "message": "m"}],
            }
        },
        t.ComputerUsePreviewToolCall,
        t.ComputerUsePreviewToolCallDelta,
    ),
}


def test_every_azure_kind_is_listed() -> None:
    """``CALLS`` covers every member of ToolCall and ToolCallDelta but OpenAI's and Unknown."""
    openai = {"function", "code_interpreter", "file_search"}
    full = {m for m in t.ToolCall.__args__ if m is not t.UnknownToolCall}  # type: ignore[attr-defined]
    deltas = {m for m in t.ToolCallDelta.__args__ if m is not t.UnknownToolCallDelta}  # type: ignore[attr-defined]
    expected = (
        {cls for _, cls, _ in CALLS.values()},
        {cls for _, _, cls in CALLS.values()},
    )
    actual = (
        {m for m in full if attrs.fields_dict(m)["type"].default not in openai},
        {m for m in deltas if attrs.fields_dict(m)["type"].default not in openai},
    )
    assert expected == actual


@pytest.mark.parametrize("kind", CALLS)
def test_full_call_keeps_every_field(kind: str) -> None:
    """A full call of each kind decodes to its class and back to the same JSON."""
    fields, cls, _ = CALLS[kind]
    payload = {"id": "call_1", "type": kind, **fields}
    call = FAST.structure(payload, t.ToolCall)
    assert (cls, payload) == (type(call), FAST.unstructure(call))


@pytest.mark.parametrize("kind", CALLS)
def test_delta_keeps_every_field(kind: str) -> None:
    """A delta of each kind decodes to its delta class and back to the same JSON."""
    fields, _, cls = CALLS[kind]
    payload = {"index": 3, "type": kind, "id": "call_1", **fields}
    (delta,) = step_delta_of(payload).delta.step_details.tool_calls
    assert (cls, payload) == (type(delta), FAST.unstructure(delta))


@pytest.mark.parametrize("kind", CALLS)
def test_a_bare_call_takes_tolerant_defaults(kind: str) -> None:
    """A call with nothing but its type and index, or with null details, is still typed."""
    _, cls, delta_cls = CALLS[kind]
    detail = [name for name in attrs.fields_dict(cls) if name not in ("id", "type")]
    nulls = dict.fromkeys(detail)
    patches = step_delta_of({"index": 0, "type": kind}, {"index": 1, "type": kind, **nulls})
    bare, nulled = patches.delta.step_details.tool_calls
    assert (delta_cls(index=0), delta_cls(index=1)) == (bare, nulled)


def test_response_metadata_and_arguments_stay_strings() -> None:
    """Loose payloads are kept as sent: Python-repr metadata is not parsed, nor JSON text."""
    call = FAST.structure({"type": "bing_grounding", **CALLS["bing_grounding"][0]}, t.ToolCall)
    assert "{'a': 1}" == call.bing_grounding.response_metadata
    function = FAST.structure({"type": "azure_function", **CALLS["azure_function"][0]}, t.ToolCall)
    assert '{"q": 1}' == function.azure_function.arguments


def test_computer_use_action_is_a_raw_object() -> None:
    """The computer use action stays the object sent; its checks and screenshot are models."""
    fields, _, _ = CALLS["computer_use_preview"]
    call = FAST.structure({"type": "computer_use_preview", **fields}, t.ToolCall)
    detail = call.computer_use_preview
    assert {"type": "click", "x": 1, "y": 2, "button": "left"} == detail.action
    assert (t.SafetyCheck(id="sc_1", code="c", message="m"),) == detail.pending_safety_checks
    assert t.ComputerScreenshot(type="computer_screenshot", image_url="data:", file_id="f") == (
        detail.output
    )


# -- activities --------------------------------------------------------------------------


def test_activities_step_details() -> None:
    """An ``activities`` step holds typed MCP tool lists; tool names map to their schemas."""
    tools = {"fetch": {"description": "Fetch a page.", "parameters": {"type": "object"}}}
    payload = {
        "type": "activities",
        "activities": [
            {"id": "act_1", "type": "mcp_list_tools", "server_label": "github", "tools": tools}
        ],
    }
    details = FAST.structure(payload, t.StepDetails)
    listed = t.McpListedTool(description="Fetch a page.", parameters={"type": "object"})
    activity = t.McpListToolsActivity(id="act_1", server_label="github", tools={"fetch": listed})
    assert t.ActivitiesStepDetails(activities=(activity,)) == details
    assert payload == FAST.unstructure(details)


def test_tools_of_an_activity_must_be_an_object() -> None:
    """A ``tools`` that is not an object is a malformed event, located by its path."""
    step = {
        "id": "step_1",
        "step_details": {
            "type": "activities",
            "activities": [{"type": "mcp_list_tools", "tools": ["fetch"]}],
        },
    }
    with pytest.raises(MalformedEventError) as caught:
        decode_event("thread.run.step.completed", orjson.dumps(step))
    assert any(
        "expected an object, got an array" in problem and ".tools" in problem
        for problem in caught.value.problems
    ), caught.value.problems


# -- kinds this version does not know ------------------------------------------------------


def test_unknown_kinds_stay_unknown_with_their_raw_json() -> None:
    """A tag nobody knows still becomes the union's Unknown... member, keeping every key."""
    call = {"id": "c", "type": "future_tool", "future_tool": {"q": 1}}
    delta = {"index": 0, **call}
    activity = {"id": "act_2", "type": "mcp_call_tool", "x": 1}
    details = {"type": "future_details", "y": 2}
    tool = {"type": "future_tool", "z": 3}
    expected = [
        t.UnknownToolCall(type="future_tool", id="c", raw=call),
        t.UnknownToolCallDelta(type="future_tool", index=0, id="c", raw=delta),
        t.ActivitiesStepDetails(
            activities=(t.UnknownActivity(type="mcp_call_tool", id="act_2", raw=activity),)
        ),
        t.UnknownStepDetails(type="future_details", raw=details),
        t.UnknownTool(type="future_tool", raw=tool),
    ]
    actual = [
        FAST.structure(call, t.ToolCall),
        step_delta_of(delta).delta.step_details.tool_calls[0],
        FAST.structure({"type": "activities", "activities": [activity]}, t.StepDetails),
        FAST.structure(details, t.StepDetails),
        FAST.structure(tool, t.AssistantTool),
    ]
    assert expected == actual
    assert [call, delta, activity, details, tool] == [
        FAST.unstructure(actual[0]),
        FAST.unstructure(actual[1]),
        FAST.unstructure(actual[2].activities[0]),
        FAST.unstructure(actual[3]),
        FAST.unstructure(actual[4]),
    ]
