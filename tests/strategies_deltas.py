"""Hypothesis strategies for delta accumulation (``_patch``, ``_lifecycle``, ``accumulate``).

Kept apart from ``strategies.py`` so that the delta tests can grow their own generators
without touching the shared ones. Everything here is plain data (strings, integers, enum
members, JSON payloads as dicts); the tests turn it into events with ``builders.events``.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import strategies as st

from assistant_stream._lifecycle import Move

__all__ = [
    "fragmented_texts",
    "frames",
    "moves",
    "placements",
    "stream_text",
]

#: Text a stream can carry: any code point JSON can encode (no lone surrogates), so
#: multi-byte, combining and astral characters, NUL and line separators all appear.
stream_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@st.composite
def fragmented_texts(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A text and the fragments it arrives in, in order (empty fragments included)."""
    value = draw(stream_text)
    cuts = sorted(draw(st.lists(st.integers(0, len(value)), max_size=12)))
    bounds = [0, *cuts, len(value)]
    return value, [value[start:end] for start, end in itertools.pairwise(bounds)]


#: ``(index, entry)`` placements into an index-keyed array: mostly near the start, some
#: negative, some jumping far past the end (beyond ``MAX_INDEX_GAP`` from an empty array).
placements = st.lists(
    st.tuples(
        st.one_of(st.integers(0, 12), st.integers(-3, 2_100)),
        st.text(max_size=3),
    ),
    max_size=30,
)

#: A sequence of lifecycle moves for one entry.
moves = st.lists(st.sampled_from(Move), max_size=12)


# -- whole streams, some of whose deltas cannot be applied ----------------------------------

#: Mostly small indices; now and then one that is negative or jumps too far.
_indices = st.one_of(st.integers(0, 3), st.integers(0, 3), st.sampled_from([-1, 1500, 70_000]))
_pieces = st.text("ab\u00e9\U0001f30d", max_size=3)

Payload = dict[str, Any]


@st.composite
def _annotation(draw: st.DrawFn) -> Payload:
    index = draw(_indices)
    kind = draw(st.sampled_from(["file_citation", "file_path", None]))
    if kind is None:  # untyped: continues the annotation at its index, or does not fit
        return {"index": index, "text": draw(st.sampled_from(["[1]", 1]))}
    return {"index": index, "type": kind, "text": draw(_pieces)}


@st.composite
def _content_patch(draw: st.DrawFn) -> Payload:
    index = draw(_indices)
    kind = draw(st.sampled_from(["text", "text", "refusal", "image_file", "audio", None]))
    if kind == "text":
        inner: Payload = {"value": draw(_pieces)}
        if draw(st.booleans()):
            inner["annotations"] = draw(st.lists(_annotation(), max_size=2))
        return {"index": index, "type": "text", "text": inner}
    if kind == "refusal":
        return {"index": index, "type": "refusal", "refusal": draw(_pieces)}
    if kind == "image_file":
        return {"index": index, "type": "image_file", "image_file": {"file_id": draw(_pieces)}}
    if kind == "audio":
        return {"index": index, "type": "audio", "a": draw(_pieces)}
    untyped = draw(
        st.sampled_from(
            [{"text": {"value": "u"}}, {"refusal": "u"}, {"text": 5}, {"image_file": []}]
        )
    )
    return {"index": index, **untyped}


@st.composite
def _output(draw: st.DrawFn) -> Payload:
    index = draw(_indices)
    if draw(st.booleans()):
        return {"index": index, "type": "logs", "logs": draw(_pieces)}
    return {"index": index, "logs": draw(st.sampled_from(["more", 1]))}


@st.composite
def _tool_call_patch(draw: st.DrawFn) -> Payload:
    index = draw(_indices)
    kinds = ["function", "function", "code_interpreter", "mcp", "future_tool", None]
    kind = draw(st.sampled_from(kinds))
    if kind == "function":
        function: Payload = {"arguments": draw(_pieces)}
        if draw(st.booleans()):
            function["name"] = draw(_pieces)
        return {"index": index, "type": "function", "id": draw(_pieces), "function": function}
    if kind == "code_interpreter":
        code: Payload = {"input": draw(_pieces)}
        if draw(st.booleans()):
            code["outputs"] = draw(st.lists(_output(), max_size=2))
        return {"index": index, "type": "code_interpreter", "code_interpreter": code}
    if kind == "mcp":  # an Azure kind: fragments of arguments, a name that overwrites
        return {"index": index, "type": "mcp", "arguments": draw(_pieces), "name": draw(_pieces)}
    if kind == "future_tool":  # a kind this version does not know
        return {"index": index, "type": "future_tool", "m": draw(_pieces)}
    untyped = draw(st.sampled_from([{"function": {"arguments": "u"}}, {"function": []}]))
    return {"index": index, **untyped}


_blocks = st.lists(
    st.one_of(
        st.builds(lambda v: {"type": "text", "text": {"value": v, "annotations": []}}, _pieces),
        st.builds(lambda v: {"type": "refusal", "refusal": v}, _pieces),
        st.builds(lambda v: {"type": "image_file", "image_file": {"file_id": v}}, _pieces),
    ),
    max_size=3,
)
_calls = st.lists(
    st.builds(
        lambda v: {"id": v, "type": "function", "function": {"name": "f", "arguments": v}},
        _pieces,
    ),
    max_size=2,
)


def _message(message_id: str, status: str, content: list[Payload]) -> Payload:
    return {"id": message_id, "thread_id": "t", "status": status, "content": content}


def _step(step_id: str, status: str, calls: list[Payload]) -> Payload:
    details = {"type": "tool_calls", "tool_calls": calls}
    return {"id": step_id, "thread_id": "t", "status": status, "step_details": details}


_message_ids = st.sampled_from(["m1", "m1", "m2"])
_step_ids = st.sampled_from(["s1", "s1", "s2"])

_frame = st.one_of(
    st.builds(
        lambda m, content: ("thread.message.delta", {"id": m, "delta": {"content": content}}),
        _message_ids,
        st.lists(_content_patch(), min_size=1, max_size=3),
    ),
    st.builds(
        lambda s, calls: (
            "thread.run.step.delta",
            {"id": s, "delta": {"step_details": {"type": "tool_calls", "tool_calls": calls}}},
        ),
        _step_ids,
        st.lists(_tool_call_patch(), min_size=1, max_size=3),
    ),
    st.builds(
        lambda event, m, content: (f"thread.message.{event}", _message(m, event, content)),
        st.sampled_from(["created", "in_progress", "completed", "incomplete"]),
        _message_ids,
        _blocks,
    ),
    st.builds(
        lambda event, s, calls: (f"thread.run.step.{event}", _step(s, event, calls)),
        st.sampled_from(["created", "in_progress", "completed"]),
        _step_ids,
        _calls,
    ),
    st.just(("thread.run.requires_action", {"id": "r", "status": "requires_action"})),
)

#: A stream of 1 to 12 frames ``(event name, data)``: deltas (some refused), created,
#: in_progress and terminal objects of two messages and two steps, and run endings.
frames = st.lists(_frame, min_size=1, max_size=12)
