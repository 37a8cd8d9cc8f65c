"""Event streams read as names and shapes, to hold the embedded server against recordings.

``frames_of`` decodes a body; ``collapsed`` is its event names with each run of deltas
counted once; ``shapes`` is, per event name, every key path of its objects and the statuses
they carry. ``test_realism`` and ``test_azure_realism`` compare the server's with these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from assistant_stream.sse import SSEDecoder

__all__ = [
    "Frame",
    "collapsed",
    "frames_of",
    "key_paths",
    "recorded_answer",
    "runs_of",
    "shapes",
]

Frame = tuple[str, Any]  # (event name, data: the decoded JSON, or the raw text of `done`)


def frames_of(body: bytes) -> list[Frame]:
    """The events of an event-stream body, their JSON data decoded."""
    decoder = SSEDecoder()
    events = [*decoder.feed(body), *decoder.finish()]
    return [(e.event, orjson.loads(e.data) if e.data.startswith("{") else e.data) for e in events]


def collapsed(frames: list[Frame]) -> list[str]:
    """The event names in order, each run of one delta event counted once."""
    names: list[str] = []
    for name, _ in frames:
        if not (names and names[-1] == name and name.endswith(".delta")):
            names.append(name)
    return names


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path in a JSON value (``a.b[].c``: key ``c`` of the items of list ``a.b``)."""
    if isinstance(value, Mapping):
        paths = set()
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths |= {path, *key_paths(item, path)}
        return paths
    if isinstance(value, list):
        return set().union(*(key_paths(item, f"{prefix}[]") for item in value))
    return set()


def shapes(frames: list[Frame]) -> dict[str, tuple[list[str], list[str]]]:
    """Per event name: the key paths of its objects, and the statuses they say."""
    paths: dict[str, set[str]] = {}
    statuses: dict[str, set[str]] = {}
    for name, data in frames:
        if isinstance(data, dict):
            paths.setdefault(name, set()).update(key_paths(data))
            statuses.setdefault(name, set()).update([data["status"]] if "status" in data else [])
    return {name: (sorted(paths[name]), sorted(statuses[name])) for name in paths}


def runs_of(frames: list[Frame]) -> list[dict[str, Any]]:
    """The run objects of a body, in order."""
    return [d for _, d in frames if isinstance(d, dict) and d.get("object") == "thread.run"]


def recorded_answer(served: list[Frame], follow_up: list[Frame]) -> tuple[str, list[Any]]:
    """The submit that continues a served body as the recorded ``follow_up`` did.

    The follow-up opens with the tool step, completed: its outputs answer the calls the
    served body's last run waits for. Returns the submit's path (below the base URL) and
    its ``tool_outputs``.
    """
    waiting = runs_of(served)[-1]
    asked = waiting["required_action"]["submit_tool_outputs"]["tool_calls"]
    answers = follow_up[0][1]["step_details"]["tool_calls"]
    outputs = [
        {"tool_call_id": call["id"], "output": answer["function"]["output"]}
        for call, answer in zip(asked, answers, strict=True)
    ]
    return f"threads/{waiting['thread_id']}/runs/{waiting['id']}/submit_tool_outputs", outputs
