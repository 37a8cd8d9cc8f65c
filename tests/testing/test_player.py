"""Tests of ``assistant_stream.testing._player``: any script plays into good events.

Good: events this package's core decodes (no unknown one) and accumulates into the script's
content, opening and ending as the service's runs do.
"""

from __future__ import annotations

import random
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from assistant_stream import UnknownEvent, decode_event
from assistant_stream.accumulate import Accumulator
from assistant_stream.testing._player import pieces, play
from assistant_stream.testing._script import parse_script
from assistant_stream.testing._store import Store
from assistant_stream.types import CodeInterpreterToolCall, TextContentBlock

# Text as models write it: words, spaces, punctuation, accents and emoji, newlines.
TEXT = st.text(st.sampled_from([*"abc xyz,.!?'-\n", "é", "\u2019", "😀", "\u00a0"]), max_size=60)
MARKER = "【1:0†notes.txt】"


@st.composite
def turns(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One turn: some text, refusal or code parts, then perhaps parallel function calls."""
    parts: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["text", "cited", "refusal", "code"]))
        if kind == "text":
            parts.append({"text": draw(TEXT)})
        elif kind == "cited":
            text = draw(TEXT) + MARKER + draw(TEXT)
            parts.append({"text": text, "citations": [{"marker": MARKER, "file_id": "file-1"}]})
        elif kind == "refusal":
            parts.append({"refusal": draw(TEXT.filter(bool))})
        else:
            parts.append({"code_interpreter": {"input": draw(TEXT), "logs": draw(TEXT)}})
    calls = draw(st.integers(0 if parts else 1, 3))
    parts.extend(
        {"function_call": {"name": f"f{index}", "arguments": {"q": draw(TEXT)}}}
        for index in range(calls)
    )
    return parts


def played(turn: list[dict[str, Any]], seed: int) -> tuple[list[Any], Accumulator]:
    """The turn played for a new run: the decoded events, and an accumulator fed them."""
    store = Store(seed)
    agent = store.create_assistant({"model": "gpt-4o"})
    thread = store.create_thread({"messages": [{"role": "user", "content": "hi"}]})
    state = store.start_run(thread["id"], {"assistant_id": agent["id"]})
    [script_turn] = parse_script([turn])
    assert isinstance(script_turn, tuple)
    accumulator = Accumulator()
    events = []
    for name, data in play(store, state, script_turn, random.Random(seed)):
        event = decode_event(name, data)
        events.append(event)
        accumulator.feed(event)
    return events, accumulator


@given(turns(), st.integers(0, 2**32))
def test_any_turn_plays_into_events_the_core_accepts(turn: list[dict[str, Any]], seed: int) -> None:
    """No unknown event, every message holds its part's text, every call its arguments."""
    events, accumulator = played(turn, seed)
    assert [] == [event for event in events if isinstance(event, UnknownEvent)]
    said = [p.get("text", p.get("refusal")) for p in turn if "text" in p or "refusal" in p]
    blocks = [block for message in accumulator.messages() for block in message.content]
    got = [b.text.value if isinstance(b, TextContentBlock) else b.refusal for b in blocks]  # type: ignore[union-attr]
    assert said == got
    final = accumulator.final_run()
    assert final.run is not None
    calls = [p["function_call"] for p in turn if "function_call" in p]
    if calls:
        assert "requires_action" == final.run.status
        action = final.run.required_action
        assert action is not None
        assert action.submit_tool_outputs is not None
        asked = [(c.function.name, orjson.loads(c.function.arguments))
                 for c in action.submit_tool_outputs.tool_calls]  # fmt: skip
        assert [(c["name"], c["arguments"]) for c in calls] == asked
    else:
        assert ("completed", True) == (final.run.status, final.ended)
    codes = [p["code_interpreter"]["input"] for p in turn if "code_interpreter" in p]
    inputs = [
        call.code_interpreter.input
        for step in accumulator.run_steps()
        for call in getattr(step.step_details, "tool_calls", ())
        if isinstance(call, CodeInterpreterToolCall)
    ]
    assert codes == inputs


@given(turns(), st.integers(0, 2**32))
def test_the_run_opens_and_ends_as_the_service_does(turn: list[dict[str, Any]], seed: int) -> None:
    """``created``, ``queued``, ``in_progress`` first; the run's end, or its wait, last."""
    events, _ = played(turn, seed)
    names = [event.event for event in events]
    assert ["thread.run.created", "thread.run.queued", "thread.run.in_progress"] == names[:3]
    waits = any("function_call" in part for part in turn)
    assert ("thread.run.requires_action" if waits else "thread.run.completed") == names[-1]


@given(TEXT, st.integers(0, 2**32))
def test_pieces_join_back_to_the_text(text: str, seed: int) -> None:
    """However the text is cut, the deltas say exactly the text."""
    assert text == "".join(pieces(text, random.Random(seed)))
