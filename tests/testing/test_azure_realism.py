"""Tests for assistant_stream.testing's Azure flavour against ../shared/recorded/azure.

As ``test_realism`` does for OpenAI's recordings (whose helpers it uses), for each recorded
Azure AI Foundry Agents stream the script that says the same things is read off the
recording (its messages with their file and URL citations, its calls of Azure's tools:
MCP with the tools listed before it, Bing grounding, Azure Functions; its function calls),
played by ``AssistantServer(azure=True)`` and fetched over HTTP with ``api-version``. The
served body must have the recorded order of events, once the service's repeats (a second
``created`` of the same step) are left out, and the recorded shapes: for each event name,
every key path of its objects and deltas, and the statuses they carry. A run that stops at
``requires_action`` is driven on through its recorded follow-up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import aiohttp
import orjson
import pytest
from recorded_shapes import Frame, collapsed, frames_of, recorded_answer, runs_of, shapes
from shared_data import RECORDED, requires_recordings

from assistant_stream.testing import AssistantServer

pytestmark = requires_recordings

AZURE: Final = RECORDED / "azure"
TOKEN: Final = "entra-token-0123456789"
QUERY: Final = {"api-version": "2025-05-15-preview"}
USER: Final = {"role": "user", "content": "Tell me what you found."}
AGENT_FIELDS: Final = ("model", "instructions", "tools")
#: Each recording that stops at requires_action, and the recording of its follow-up.
FOLLOW_UPS: Final = {
    AZURE / "009-function-submit-tool-outputs.sse": AZURE
    / "010-function-submit-tool-outputs-followup.sse"
}
CASES: Final = [
    [path, *([FOLLOW_UPS[path]] if path in FOLLOW_UPS else [])]
    for path in sorted(AZURE.glob("*.sse"))
    if path not in FOLLOW_UPS.values()
]


def without_repeats(frames: list[Frame]) -> list[Frame]:
    """The frames but those repeating an event already sent for the same object."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for name, data in frames:
        key = (name, data["id"]) if isinstance(data, dict) and not name.endswith("delta") else None
        if key in seen:
            continue
        if key is not None:
            seen.add(key)
        kept.append((name, data))
    return kept


# -- a recording's script ------------------------------------------------------------------


def _fields(*names: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def part(call: dict[str, Any]) -> dict[str, Any]:
        kind = call["type"]
        return {kind: {name: call[kind][name] for name in names}}

    return part


def _code_interpreter(call: dict[str, Any]) -> dict[str, Any]:
    spec = call["code_interpreter"]
    logs = [output["logs"] for output in spec["outputs"] if output["type"] == "logs"]
    return {
        "code_interpreter": {"input": spec["input"], **({"logs": "".join(logs)} if logs else {})}
    }


#: The script part of each kind of call a completed tool step holds.
TOOL_PARTS: Final[Mapping[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "code_interpreter": _code_interpreter,
    "file_search": lambda call: {"file_search": {"results": call["file_search"]["results"]}},
    "bing_grounding": _fields("requesturl", "response_metadata"),
    "azure_function": _fields("name", "arguments", "output"),
    "connected_agent": _fields("name", "arguments", "output"),
}


def _citation(note: dict[str, Any], streamed: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    kind, marker = note["type"], note["text"]
    if kind == "url_citation":
        return {"marker": marker, "type": kind, **note[kind]}
    quote = streamed.get(marker, note)[kind].get("quote")
    citation = {"marker": marker, "file_id": note[kind]["file_id"], "type": kind}
    return {**citation, **({"quote": quote} if quote is not None else {})}


def _text(message: dict[str, Any], streamed: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    (block,) = message["content"]
    citations = [_citation(note, streamed) for note in block["text"]["annotations"]]
    return {"text": block["text"]["value"], **({"citations": citations} if citations else {})}


def _mcp(call: dict[str, Any], tools: Mapping[str, Any], mode: str) -> dict[str, Any]:
    spec = {key: call[key] for key in ("server_label", "name", "arguments")}
    output = {"output": call["output"]} if call.get("output") else {}
    return {
        "mcp_call": {
            **spec,
            **output,
            "require_approval": mode,
            "tools": tools[spec["server_label"]],
        }
    }


def turn_of(frames: list[Frame]) -> list[dict[str, Any]]:
    """The script turn that does what the recorded (or served) body shows, part by part."""
    parts: list[dict[str, Any]] = []
    streamed: dict[str, dict[str, Any]] = {}  # citation marker -> its annotation as streamed
    tools: dict[str, Any] = {}  # MCP server label -> the tools its listing showed
    for name, data in frames:
        if name == "thread.message.delta":
            for block in data["delta"]["content"]:
                for note in block.get("text", {}).get("annotations", []):
                    streamed[note["text"]] = note
        elif name == "thread.run.step.completed" and data["type"] == "activities":
            for activity in data["step_details"]["activities"]:
                tools[activity["server_label"]] = activity["tools"]
        elif name == "thread.run.step.completed" and data["type"] == "tool_calls":
            for call in data["step_details"]["tool_calls"]:
                if call["type"] in TOOL_PARTS:
                    parts.append(TOOL_PARTS[call["type"]](call))
                elif call["type"] == "mcp":
                    parts.append(_mcp(call, tools, "never"))
        elif name in {"thread.message.completed", "thread.message.incomplete"}:
            parts.append(_text(data, streamed))
        elif name == "thread.run.requires_action":
            action = data["required_action"]
            if action["type"] == "submit_tool_approval":
                calls = action["submit_tool_approval"]["tool_calls"]
                parts += [_mcp(call, tools, "always") for call in calls]
            else:
                calls = action["submit_tool_outputs"]["tool_calls"]
                parts += [{"function_call": dict(call["function"])} for call in calls]
    return parts


# -- the server's bodies -------------------------------------------------------------------


async def served(halves: list[list[Frame]]) -> list[list[Frame]]:
    """The server's bodies for recorded ones: the run with their script, then each submit."""
    recorded_run = runs_of(halves[0])[0]
    script = [turn_of(half) for half in halves]
    async with (
        AssistantServer(script=script, azure=True, api_key=TOKEN) as server,
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}"}) as http,
    ):

        async def post(path: str, body: dict[str, Any]) -> bytes:
            url = f"{server.azure_endpoint}/{path}"
            async with http.post(url, json=body, params=QUERY) as response:
                assert 200 == response.status, await response.text()
                return await response.read()

        agent = orjson.loads(
            await post("assistants", {key: recorded_run[key] for key in AGENT_FIELDS})
        )
        thread = orjson.loads(await post("threads", {"messages": [USER]}))
        run_body = {"assistant_id": agent["id"], "stream": True}
        bodies = [await post(f"threads/{thread['id']}/runs", run_body)]
        for half in halves[1:]:
            path, outputs = recorded_answer(frames_of(bodies[-1]), half)
            bodies.append(await post(path, {"tool_outputs": outputs, "stream": True}))
    return [frames_of(body) for body in bodies]


def _ids(cases: list[list[Path]]) -> list[str]:
    return [case[0].stem for case in cases]


@pytest.mark.parametrize("paths", CASES, ids=_ids(CASES))
async def test_the_events_come_in_the_recorded_order(paths: list[Path]) -> None:
    """Each served body has the recorded sequence of event names, repeats left out."""
    recorded = [without_repeats(frames_of(path.read_bytes())) for path in paths]
    assert [collapsed(half) for half in recorded] == [
        collapsed(body) for body in await served(recorded)
    ]


@pytest.mark.parametrize("paths", CASES, ids=_ids(CASES))
async def test_the_objects_have_the_recorded_shapes(paths: list[Path]) -> None:
    """Each event's objects and deltas have the recorded key paths and statuses."""
    recorded = [frames_of(path.read_bytes()) for path in paths]
    assert [shapes(half) for half in recorded] == [shapes(body) for body in await served(recorded)]


@pytest.mark.parametrize("paths", CASES, ids=_ids(CASES))
async def test_the_served_bodies_say_what_the_recordings_say(paths: list[Path]) -> None:
    """Read back off each served body, the script is the one read off the recording."""
    recorded = [frames_of(path.read_bytes()) for path in paths]
    assert [turn_of(half) for half in recorded] == [
        turn_of(body) for body in await served(recorded)
    ]
