"""A ``replay`` turn: a recorded body served as the run's events, and the store kept in step.

The recording's run, thread and assistant ids are rewritten to the server's, so the requests
that follow (a submit, a retrieve, a list of messages) find what the client was told about.
Every object event also updates the store: runs take the recorded fields and status (a
recorded ``requires_action`` waits for outputs, with the recorded call ids), steps and
messages are added or replaced by id. The recording's own ``done`` is dropped: the writer
ends the body.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import orjson

from assistant_stream.sse import SSEDecoder

from ._player import Emit
from ._store import ACTIVE, RunState, Store

__all__ = ["replay"]

_REWRITTEN: Final = ("id", "thread_id", "assistant_id")


def _frames(body: bytes) -> list[tuple[str, str]]:
    decoder = SSEDecoder()
    events = [(sse.event, sse.data) for sse in decoder.feed(body)]
    events += [(sse.event, sse.data) for sse in decoder.finish()]
    return events


def _ids(frames: list[tuple[str, str]], run: dict[str, Any]) -> dict[str, str]:
    """Recorded id -> the server's, from the first run object of the recording."""
    for name, data in frames:
        if name.startswith("thread.run.") and not name.startswith("thread.run.step"):
            recorded = orjson.loads(data)
            return {recorded[key]: run[key] for key in _REWRITTEN if recorded.get(key)}
    return {}


def replay(store: Store, state: RunState, path: Path) -> Iterator[Emit]:
    """Serve the recording at ``path`` as the run's next events."""
    frames = _frames(path.read_bytes())
    mapping = _ids(frames, state.run)
    for name, data in frames:
        if name == "done":
            continue
        for old, new in mapping.items():
            data = data.replace(old, new)
        _apply(store, state, name, data)
        yield name, data.encode()


def _apply(store: Store, state: RunState, name: str, data: str) -> None:
    if not data.startswith("{"):
        return
    value = orjson.loads(data)
    kind = value.get("object")
    if kind == "thread.run":
        _run(store, state, value)
    elif kind == "thread.run.step":
        _upsert(state.steps, value)
        if value.get("type") == "tool_calls" and value.get("status") == "in_progress":
            state.waiting = value
        elif state.waiting is not None and state.waiting["id"] == value["id"]:
            state.waiting = None  # the follow-up body completed the step the run waited on
    elif kind == "thread.message":
        store.put_message(value)


def _run(store: Store, state: RunState, value: dict[str, Any]) -> None:
    status = value.get("status", "")
    fields = {key: item for key, item in value.items() if key != "status"}
    if status in ACTIVE:
        state.run.update(fields, status=status)
        return
    store.end_run(state, status, **fields)


def _upsert(items: list[dict[str, Any]], value: dict[str, Any]) -> None:
    for index, item in enumerate(items):
        if item["id"] == value["id"]:
            items[index] = value
            return
    items.append(value)
