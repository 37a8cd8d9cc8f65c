"""Helpers for the accumulator tests: feeding frames, reading notices, observing all state."""

from __future__ import annotations

from typing import Any

from builders import Frame, Payload, events, message_delta, step_delta

from assistant_stream._parent import Parent
from assistant_stream.accumulate import Accumulator, Notice


def feed(*frames: Frame, callbacks: Any = None) -> tuple[Accumulator, list[Notice]]:
    """A fresh accumulator fed the frames, and every notice it returned, in order."""
    accumulator = Accumulator(callbacks)
    notices = [notice for event in events(*frames) for notice in accumulator.feed(event)]
    return accumulator, notices


def names(notices: list[Notice]) -> list[str]:
    """The callback names of the notices, in order."""
    return [name for name, _ in notices]


def args(notices: list[Notice], name: str) -> list[tuple[Any, ...]]:
    """The arguments of every notice called ``name``."""
    return [arguments for called, arguments in notices if called == name]


def md(*content: Payload, message_id: str = "m1") -> Frame:
    """A ``thread.message.delta`` frame with the given content patches."""
    return ("thread.message.delta", message_delta(message_id, *content))


def sd(*tool_calls: Payload, step_id: str = "s1") -> Frame:
    """A ``thread.run.step.delta`` frame with the given tool-call patches."""
    return ("thread.run.step.delta", step_delta(step_id, *tool_calls))


def _parent_state(parent: Parent) -> Any:
    """Everything about a parent's entries that a later event can observe."""
    entries = [
        None if entry is None else (entry.index, entry.kind, entry.phase, entry.item())
        for entry in parent.entries
    ]
    opened = None if parent.open is None else parent.open.index
    return (entries, opened, [entry.index for entry in parent.pending], parent.final)


def observed(accumulator: Accumulator) -> Any:
    """All that the accumulator shows, and the lifecycle of every entry (private state)."""
    parents = {
        **{("message", key): _parent_state(p) for key, p in accumulator._messages.items()},
        **{("step", key): _parent_state(p) for key, p in accumulator._run_steps.items()},
    }
    return (
        accumulator.messages(),
        accumulator.run_steps(),
        accumulator.partial(None),
        accumulator.current_message(),
        accumulator.current_run_step(),
        accumulator.thread_id,
        accumulator.run_id,
        parents,
    )
