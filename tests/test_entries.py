"""Tests for _entries, _parent, _content and _tool_calls: kinds, seeds, continuations."""

from __future__ import annotations

import typing
from typing import Any

import attrs
import pytest
from accumulating import args, feed, md, names, sd
from builders import (
    Frame,
    code_patch,
    events,
    function_call,
    function_patch,
    image_file,
    image_file_patch,
    message,
    run,
    step,
    text,
    text_patch,
)

from assistant_stream import _content, _parent, _tool_calls
from assistant_stream import types as t
from assistant_stream.errors import InvalidDeltaError


def created_message(*content: Any, event: str = "created") -> Frame:
    """A ``thread.message.created`` (or ``in_progress``) frame holding ``content``."""
    return (f"thread.message.{event}", message("m1", content=list(content)))


def created_step(*tool_calls: Any, event: str = "created") -> Frame:
    """A ``thread.run.step.created`` (or ``in_progress``) frame holding ``tool_calls``."""
    return (f"thread.run.step.{event}", step("s1", tool_calls=list(tool_calls)))


def text_names(notices: list[Any]) -> list[str]:
    """The text callbacks among the notices, with the value each carries."""
    return [
        f"{name}:{arguments[-1].value}" for name, arguments in notices if name.startswith("on_text")
    ]


# -- one class per kind, from a table -------------------------------------------------------

FAMILIES = [
    (_content.KINDS, t.MessageContentDelta, t.MessageContent),
    (_tool_calls.KINDS, t.ToolCallDelta, t.ToolCall),
]


@pytest.mark.parametrize(("kinds", "deltas", "models"), FAMILIES, ids=["content", "tool-calls"])
def test_every_known_kind_has_its_class(kinds: Any, deltas: Any, models: Any) -> None:
    """Every typed member of a delta union has one class, keyed by its tag, knowing both classes."""
    tags = {
        attrs.fields_dict(member)["type"].default: member
        for member in typing.get_args(deltas)
        if not member.__name__.startswith("Unknown")
    }
    assert set(tags) == set(kinds)
    for tag, cls in kinds.items():
        assert (tag, tags[tag]) == (cls.kind, cls.delta_class)
        assert cls.model_class in typing.get_args(models)
        assert tag == attrs.fields_dict(cls.model_class)["type"].default


def test_entry_slots_hold_frozen_values_and_builders() -> None:
    """After a rich stream, every saved slot of every entry is frozen or a Fragments builder."""
    accumulator, _ = feed(
        md(text_patch(0, "a", [{"index": 0, "type": "file_path", "text": "x"}])),
        md({"index": 1, "type": "refusal", "refusal": "no"}),
        md(image_file_patch(2, "f"), {"index": 3, "type": "audio", "a": 1}),
        sd(function_patch(0, "{}", call_id="c1", name="f")),
        sd(code_patch(1, "x", outputs=[{"index": 0, "type": "logs", "logs": "1"}])),
        sd({"index": 2, "type": "file_search", "file_search": {}}, {"index": 3, "type": "mcp"}),
    )
    parents = [*accumulator._messages.values(), *accumulator._run_steps.values()]
    values = [value for p in parents for entry in p.entries for value, _ in entry.save()]
    mutable = [value for value in values if type(value) in (list, set, bytearray)]
    assert [] == mutable
    assert 8 == sum(1 for p in parents for entry in p.entries)


# -- the rules of each kind ------------------------------------------------------------------


def test_an_annotation_or_output_of_another_type_replaces_the_old_one() -> None:
    """A typed annotation or output of another type at an index replaces what was there."""
    accumulator, _ = feed(
        md(text_patch(0, "x", [{"index": 0, "type": "file_citation", "text": "[1]"}])),
        md(text_patch(0, None, [{"index": 0, "type": "file_path", "start_index": 2}])),
        sd(code_patch(0, "x", outputs=[{"index": 0, "type": "logs", "logs": "1"}])),
        sd(code_patch(0, outputs=[{"index": 0, "type": "image", "image": {"file_id": "f"}}])),
    )
    annotations = accumulator.messages()[0].content[0].text.annotations
    assert (t.FilePathAnnotation(start_index=2),) == annotations
    outputs = accumulator.run_steps()[0].step_details.tool_calls[0].code_interpreter.outputs
    image = t.CodeInterpreterOutputImage(image=t.CodeInterpreterImage(file_id="f"))
    assert (image,) == outputs


@pytest.mark.parametrize(
    "first",
    [
        function_patch(0, "{", call_id="a"),
        code_patch(0, "x", call_id="a"),
        {"index": 0, "type": "file_search", "id": "a"},
        {"index": 0, "type": "future_tool", "id": "a"},
        {"index": 0, "type": "mcp", "id": "a"},
        {"index": 0, "type": "bing_grounding", "id": "a", "bing_grounding": {}},
    ],
    ids=["function", "code", "file-search", "unknown", "azure-flat", "azure-nested"],
)
def test_a_tool_call_id_is_kept_then_overwritten(first: Any) -> None:
    """A call keeps its id through deltas without one, and takes a later one that differs."""
    same = {key: value for key, value in first.items() if key != "id"}
    accumulator, _ = feed(sd(first), sd(same))
    assert "a" == accumulator.run_steps()[0].step_details.tool_calls[0].id
    accumulator, _ = feed(sd(first), sd({**same, "id": "b"}))
    assert "b" == accumulator.run_steps()[0].step_details.tool_calls[0].id


def test_a_file_search_detail_that_does_not_fit_is_dropped() -> None:
    """file_search raw keys that do not fit FileSearch leave the call with its id, no detail."""
    bad = {"index": 0, "type": "file_search", "file_search": {"results": "none"}}
    accumulator, _ = feed(sd({"index": 0, "type": "file_search", "id": "f"}), sd(bad))
    calls = accumulator.run_steps()[0].step_details.tool_calls
    assert (t.FileSearchToolCall(id="f", file_search=None),) == calls


# -- seeds: created objects are the first snapshot -----------------------------------------

SEEDS: list[tuple[Any, Frame, Any]] = [
    (
        text("hello", [{"type": "file_citation", "text": "[1]"}]),
        md(text_patch(0, " world")),
        t.TextContentBlock(
            text=t.Text(value="hello world", annotations=(t.FileCitationAnnotation(text="[1]"),))
        ),
    ),
    (
        {"type": "refusal", "refusal": "I can"},
        md({"index": 0, "type": "refusal", "refusal": "not"}),
        t.RefusalContentBlock(refusal="I cannot"),
    ),
    (
        image_file("f1"),
        md({"index": 0, "type": "image_file", "image_file": {"detail": "low"}}),
        t.ImageFileContentBlock(image_file=t.ImageFile(file_id="f1", detail="low")),
    ),
    (
        {"type": "image_url", "image_url": {"url": "u"}},
        md({"index": 0, "type": "image_url", "image_url": {"detail": "high"}}),
        t.ImageURLContentBlock(image_url=t.ImageURL(url="u", detail="high")),
    ),
    (
        {"type": "audio", "audio": {"a": 1}},
        md({"index": 0, "type": "audio", "more": 2}),
        t.UnknownMessageContent(
            type="audio", raw={"type": "audio", "audio": {"a": 1}, "index": 0, "more": 2}
        ),
    ),
]


@pytest.mark.parametrize(("seed", "delta", "expected"), SEEDS, ids=lambda x: None)
def test_every_content_kind_is_seeded_and_continued(seed: Any, delta: Frame, expected: Any) -> None:
    """Every content kind in a created message is kept, and a delta continues it."""
    accumulator, _ = feed(created_message(seed), delta)
    assert (expected,) == accumulator.messages()[0].content


def test_created_then_done_with_the_final_value_when_no_delta_came() -> None:
    """A seeded block the message ends without touching gets created, then done with the final."""
    end = ("thread.message.completed", message("m1", "completed", [text("final")]))
    _, notices = feed(created_message(text("seed")), end)
    assert ["on_text_created:final", "on_text_done:final"] == text_names(notices)


def test_seeded_blocks_before_an_opened_one_are_created_and_done_first() -> None:
    """A delta opening index 2 first finishes the seeded 0 and 1, in index order."""
    _, notices = feed(created_message(text("a"), text("b")), md(text_patch(2, "c")))
    expected = [
        "on_text_created:a",
        "on_text_done:a",
        "on_text_created:b",
        "on_text_done:b",
        "on_text_created:c",
        "on_text_delta:c",
    ]
    assert expected == text_names(notices)


def test_seeded_blocks_after_a_continued_one_wait_their_turn() -> None:
    """Continuing seeded index 0 leaves seeded 1 waiting; the message end finishes both in order."""
    end = ("thread.message.incomplete", message("m1"))
    _, notices = feed(created_message(text("a"), text("b")), md(text_patch(0, "!")), end)
    expected = [
        "on_text_created:a!",
        "on_text_delta:a!",
        "on_text_done:a!",
        "on_text_created:b",
        "on_text_done:b",
    ]
    assert expected == text_names(notices)


def test_a_delta_to_a_later_seeded_block_supersedes_the_open_one() -> None:
    """A delta to seeded index 1 while 0 streams: 0 is done, then 1 is created."""
    frames = [created_message(text("a"), text("b")), md(text_patch(0, "!")), md(text_patch(1, "?"))]
    _, notices = feed(*frames)
    assert ["on_text_done:a!", "on_text_created:b?", "on_text_delta:b?"] == text_names(notices)[2:]


def test_in_progress_never_overwrites_and_seeds_only_holes() -> None:
    """in_progress keeps what is there, fills the holes, and adds nothing after the end."""
    accumulator, _ = feed(
        created_message(text("one")),
        md(text_patch(2, "three")),
        created_message(text("stale"), text("two"), text("stale"), event="in_progress"),
    )
    values = [block.text.value for block in accumulator.messages()[0].content]
    assert ["one", "two", "three"] == values
    accumulator, notices = feed(
        md(text_patch(0, "x")),
        ("thread.message.completed", message("m1", "completed", [text("x")])),
        created_message(text("x"), text("late"), event="in_progress"),
        ("thread.run.completed", run("completed")),
    )
    assert [(t.Text(value="x"),)] == args(notices, "on_text_done")
    assert 1 == len(accumulator._messages["m1"].entries)


def test_seeding_stops_at_max_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    """A created object holding more than MAX_ENTRIES entries seeds the first MAX_ENTRIES."""
    monkeypatch.setattr(_parent, "MAX_ENTRIES", 2)
    accumulator, _ = feed(created_message(text("a"), text("b"), text("c")))
    assert ["a", "b"] == [block.text.value for block in accumulator.messages()[0].content]


def test_seeded_tool_calls_follow_the_same_lifecycle() -> None:
    """Seeded calls: those before the opened one are done first; the step end finishes the rest."""
    calls = [function_call("c0", "f", "{}"), function_call("c1", "g", '{"a"')]
    end = ("thread.run.step.completed", step("s1", "completed", []))
    _, notices = feed(created_step(*calls), sd(function_patch(1, ": 1}")), end)
    done = [(call.id, call.function.arguments) for (call,) in args(notices, "on_tool_call_done")]
    assert [("c0", "{}"), ("c1", '{"a": 1}')] == done
    expected = ["created", "done", "created", "delta"]
    assert expected == [name.rsplit("_", 1)[1] for name in names(notices)[1:5]]


# -- continuations without a type -----------------------------------------------------------

UNTYPED: list[tuple[Frame, Frame, Any]] = [
    (
        sd(code_patch(0, "x", call_id="c")),
        sd({"index": 0, "code_interpreter": {"input": "y"}}),
        t.CodeInterpreterToolCall(id="c", code_interpreter=t.CodeInterpreter(input="xy")),
    ),
    (
        sd({"index": 0, "type": "file_search", "id": "f", "file_search": {}}),
        sd({"index": 0, "file_search": {"results": []}}),
        t.FileSearchToolCall(id="f", file_search=t.FileSearch(results=())),
    ),
    (
        sd({"index": 0, "type": "future_tool", "id": "m", "a": 1}),
        sd({"index": 0, "b": 2}),
        t.UnknownToolCall(
            type="future_tool",
            id="m",
            raw={"index": 0, "type": "future_tool", "id": "m", "a": 1, "b": 2},
        ),
    ),
    (
        md({"index": 0, "type": "refusal", "refusal": "no"}),
        md({"index": 0, "refusal": "pe"}),
        t.RefusalContentBlock(refusal="nope"),
    ),
    (
        md(image_file_patch(0, "f")),
        md({"index": 0, "image_file": {"detail": "low"}}),
        t.ImageFileContentBlock(image_file=t.ImageFile(file_id="f", detail="low")),
    ),
    (
        md({"index": 0, "type": "audio", "a": 1}),
        md({"index": 0, "type": None, "b": 2}),
        t.UnknownMessageContent(type="audio", raw={"index": 0, "type": "audio", "a": 1, "b": 2}),
    ),
    (
        md(text_patch(0, "a")),
        md({"index": 0, "type": 7, "text": {"value": "b"}}),
        t.TextContentBlock(text=t.Text(value="ab")),
    ),
]


@pytest.mark.parametrize(("first", "untyped", "expected"), UNTYPED, ids=lambda x: None)
def test_every_kind_is_continued_without_a_type(
    first: Frame, untyped: Frame, expected: Any
) -> None:
    """A patch without a string ``type`` continues the entry at its index as its kind."""
    accumulator, _ = feed(first, untyped)
    snapshot = (*accumulator.messages(), *accumulator.run_steps())[0]
    entries = snapshot.content if type(snapshot) is t.Message else snapshot.step_details.tool_calls
    assert (expected,) == entries


def test_an_untyped_first_delta_is_an_unknown_entry() -> None:
    """A first patch without ``type`` at an empty index stays an unknown entry with no type."""
    accumulator, _ = feed(sd({"index": 0, "id": "x", "function": {}}))
    raw = {"index": 0, "id": "x", "function": {}}
    expected = (t.UnknownToolCall(type="", id="x", raw=raw),)
    assert expected == accumulator.run_steps()[0].step_details.tool_calls


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (sd(function_patch(0, "{")), sd(code_patch(0, "x")), "changed type from 'function' to"),
        (sd(function_patch(0, "{")), sd({"index": 0, "function": "x"}), "has no type and does not"),
        (md(text_patch(0, "a")), md({"index": 0, "text": 5}), "expected an object, got an integer"),
    ],
    ids=["typed-change", "untyped-misfit-call", "untyped-misfit-content"],
)
def test_a_patch_that_does_not_continue_its_entry_is_refused(
    first: Frame, second: Frame, message: str
) -> None:
    """A real type change, or an untyped patch that does not fit the kind, raises."""
    accumulator, _ = feed(first)
    with pytest.raises(InvalidDeltaError, match=message):
        accumulator.feed(events(second)[0])
