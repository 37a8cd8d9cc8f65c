"""Tests for assistant_stream.accumulate: the Accumulator's snapshots and notices, no I/O."""

import copy
import pickle
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from builders import (
    Frame,
    Payload,
    code_patch,
    events,
    function_call,
    function_patch,
    image_file_patch,
    message,
    message_delta,
    run,
    step,
    step_delta,
    text,
    text_patch,
)
from helpers import walk
from hypothesis import given
from hypothesis import strategies as st
from strategies_deltas import fragmented_texts

from assistant_stream import types as t
from assistant_stream.accumulate import NOTICES, Accumulator, Callback, Notice
from assistant_stream.errors import InvalidDeltaError
from assistant_stream.handler import CALLBACK_NAMES, EventHandler


def feed(*frames: Frame, callbacks: Any = None) -> tuple[Accumulator, list[Notice]]:
    """A fresh accumulator fed the frames, and every notice it returned, in order."""
    accumulator = Accumulator(callbacks)
    notices = [notice for event in events(*frames) for notice in accumulator.feed(event)]
    return accumulator, notices


def args(notices: list[Notice], name: str) -> list[tuple[Any, ...]]:
    """The arguments of every notice called ``name``."""
    return [arguments for called, arguments in notices if called == name]


def names(notices: list[Notice]) -> list[str]:
    """The callback names of the notices, in order."""
    return [name for name, _ in notices]


def md(*content: Payload, message_id: str = "m1") -> Frame:
    """A ``thread.message.delta`` frame with the given content patches."""
    return ("thread.message.delta", message_delta(message_id, *content))


def sd(*tool_calls: Payload, step_id: str = "s1") -> Frame:
    """A ``thread.run.step.delta`` frame with the given tool-call patches."""
    return ("thread.run.step.delta", step_delta(step_id, *tool_calls))


def message_end(*content: Payload, status: str = "completed", message_id: str = "m1") -> Frame:
    """A ``thread.message.completed`` (or ``incomplete``) frame."""
    return (f"thread.message.{status}", message(message_id, status, content))


def step_end(*tool_calls: Payload, status: str = "completed", step_id: str = "s1") -> Frame:
    """A ``thread.run.step.completed`` (or ``failed``...) frame for a tool-calls step."""
    return (f"thread.run.step.{status}", step(step_id, status, tool_calls))


def citation(index: int, **fields: Any) -> Payload:
    """A file-citation annotation patch for ``annotations[index]``."""
    return {"index": index, "type": "file_citation", **fields}


def refusal(index: int, piece: str) -> Payload:
    """A refusal content patch for ``content[index]``."""
    return {"index": index, "type": "refusal", "refusal": piece}


def logs(index: int, piece: str) -> Payload:
    """A code interpreter logs output patch for ``outputs[index]``."""
    return {"index": index, "type": "logs", "logs": piece}


WORLD = "Hello w\u00f6rld \U0001f30d"
HELLO = [
    ("thread.message.created", message("m1")),
    md(text_patch(0, "Hel", [])),
    md(text_patch(0, "lo")),
    md(text_patch(0, WORLD[5:])),
]
CALL = [
    ("thread.run.step.created", step("s1")),
    sd(function_patch(0, '{"a"', call_id="c1", name="f")),
    sd(function_patch(0, ": 1}")),
]
RICH = [
    *HELLO,
    md(text_patch(1, "[1]", [citation(0, text="[1]")])),
    md(refusal(2, "No")),
    md(image_file_patch(3, "img")),
    message_end(text("Hello"), text("[1]")),
    *CALL,
    sd(code_patch(1, "x = 1", call_id="c2")),
    step_end(function_call("c1", "f", "{}", "ok")),
    ("thread.run.completed", run("completed")),
]

# -- snapshots are frozen values -----------------------------------------------------------


@pytest.mark.parametrize(
    ("frames", "name", "read", "expected"),
    [
        (HELLO, "on_text_delta", lambda s: s.value, ["Hel", "Hello", WORLD]),
        (CALL, "on_tool_call_delta", lambda s: s.function.arguments, ['{"a"', '{"a": 1}']),
    ],
    ids=["text", "arguments"],
)
def test_snapshots_keep_their_value(
    frames: list[Frame], name: str, read: Callable[[Any], str], expected: list[str]
) -> None:
    """A snapshot from an earlier delta keeps its value after later deltas (b.5 #8)."""
    accumulator = Accumulator()
    snapshots = []
    for event in events(*frames):
        for called, arguments in accumulator.feed(event):
            if called == name:
                snapshots.append(arguments[1])
                if len(snapshots) == 2:
                    assert expected[1] == read(arguments[1])  # read one early, the rest late
    assert expected == [read(snapshot) for snapshot in snapshots]


def test_message_objects_are_never_aliased() -> None:
    """The created message, and each delta's message snapshot, keep their content."""
    accumulator = Accumulator()
    created_event, *deltas = events(*HELLO)
    (_, (created,)), *_ = accumulator.feed(created_event)
    seen = [args(accumulator.feed(event), "on_message_delta")[0][1] for event in deltas]
    assert ((), ()) == (created.content, created_event.data.content)
    assert ["Hel", "Hello", WORLD] == [snapshot.content[0].text.value for snapshot in seen]


SNAPSHOTS: list[tuple[list[Frame], str, Any]] = [
    (HELLO, "on_text_delta", t.Text(value=WORLD)),
    (
        HELLO,
        "on_message_delta",
        t.Message(
            id="m1",
            thread_id="thread_1",
            run_id="run_1",
            role="assistant",
            status="in_progress",
            content=(t.TextContentBlock(text=t.Text(value=WORLD)),),
        ),
    ),
    (
        CALL,
        "on_tool_call_delta",
        t.FunctionToolCall(id="c1", function=t.FunctionCall(name="f", arguments='{"a": 1}')),
    ),
    (
        [sd(code_patch(0, "x = 1", call_id="c"))],
        "on_tool_call_delta",
        t.CodeInterpreterToolCall(id="c", code_interpreter=t.CodeInterpreter(input="x = 1")),
    ),
    ([md(refusal(0, "No"))], "on_refusal_delta", t.RefusalContentBlock(refusal="No")),
]
SNAPSHOT_IDS = ["text", "message", "function", "code", "refusal"]


@pytest.mark.parametrize(("frames", "name", "plain"), SNAPSHOTS, ids=SNAPSHOT_IDS)
def test_snapshots_are_plain_models(frames: list[Frame], name: str, plain: Any) -> None:
    """A snapshot is an instance of its model, equal and hashing equal to the plain model."""
    _, notices = feed(*frames)
    snapshot = args(notices, name)[-1][1]
    assert isinstance(snapshot, type(plain))
    assert plain == snapshot
    assert snapshot == plain
    assert not plain != snapshot  # noqa: SIM202 - the reflected != must agree too
    assert hash(plain) == hash(snapshot)
    assert repr(plain) == repr(snapshot)


COPIES: list[Callable[[Any], Any]] = [
    copy.copy,
    copy.deepcopy,
    lambda value: pickle.loads(pickle.dumps(value)),
    attrs.evolve,
]


@pytest.mark.parametrize("duplicate", COPIES, ids=["copy", "deepcopy", "pickle", "evolve"])
@pytest.mark.parametrize(("frames", "name", "plain"), SNAPSHOTS, ids=SNAPSHOT_IDS)
def test_snapshots_copy_as_plain_models(
    frames: list[Frame], name: str, plain: Any, duplicate: Callable[[Any], Any]
) -> None:
    """copy, deepcopy, pickle and attrs.evolve of a snapshot give an equal plain model."""
    _, notices = feed(*frames)
    copied = duplicate(args(notices, name)[-1][1])
    assert type(plain) is type(copied)
    assert plain == copied
    if duplicate is not copy.copy and duplicate is not attrs.evolve:  # the deep ones
        assert [] == [item for item in walk(copied) if type(item).__name__.startswith("Lazy")]


# -- the server's terminal object wins -----------------------------------------------------


def test_message_completed_replaces_the_snapshot() -> None:
    """messages() is the completed message, and on_text_done gets its text and annotations."""
    path = {"type": "file_path", "text": "x", "file_path": {"file_id": "f"}, "start_index": 0}
    completed = message_end(text("Hi!", [path]))
    accumulator, notices = feed(*HELLO, completed)
    final = events(completed)[0].data
    assert (final,) == accumulator.messages()
    annotation = t.FilePathAnnotation(text="x", file_path=t.FilePath(file_id="f"), start_index=0)
    assert [(t.Text(value="Hi!", annotations=(annotation,)),)] == args(notices, "on_text_done")
    assert [(final,)] == args(notices, "on_message_done")


def test_incomplete_message_without_content_finishes_with_the_streamed_text() -> None:
    """An incomplete message with no content finishes its block with what streamed (b.5 #4)."""
    incomplete = message_end(status="incomplete")
    accumulator, notices = feed(*HELLO, incomplete)
    assert [(t.Text(value=WORLD),)] == args(notices, "on_text_done")
    assert (events(incomplete)[0].data,) == accumulator.messages()


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled", "expired"])
def test_step_end_replaces_the_snapshot(status: str) -> None:
    """run_steps() is the terminal step; on_tool_call_done gets the call with its output."""
    end = step_end(function_call("c1", "f", "{}", "42"), status=status)
    accumulator, notices = feed(*CALL, end)
    assert (events(end)[0].data,) == accumulator.run_steps()
    done = t.FunctionToolCall(
        id="c1", function=t.FunctionCall(name="f", arguments="{}", output="42")
    )
    assert [(done,)] == args(notices, "on_tool_call_done")


def test_a_tool_call_seen_only_at_its_step_end_is_created_with_its_id() -> None:
    """A tool call first seen in the terminal step gives its created notice with its own id."""
    end = step_end(function_call("c1", "f", "{}"))
    _, notices = feed(("thread.run.step.created", step("s1")), end)
    assert ["c1"] == [call.id for (call,) in args(notices, "on_tool_call_created")]


# -- mid-lifecycle starts ------------------------------------------------------------------


def test_delta_for_an_unseen_message_creates_it() -> None:
    """A message delta before any created event makes the message on demand (b.5 #6)."""
    accumulator, notices = feed(md(text_patch(0, "Hi"), message_id="m9"))
    expected = t.Message(id="m9", content=(t.TextContentBlock(text=t.Text(value="Hi")),))
    assert (expected,) == accumulator.messages()
    assert ["on_text_created", "on_text_delta", "on_message_delta"] == names(notices)


def test_delta_for_an_unseen_step_creates_it() -> None:
    """A step delta before any created event makes the step on demand (b.5 #6)."""
    accumulator, notices = feed(CALL[1])
    call = t.FunctionToolCall(id="c1", function=t.FunctionCall(name="f", arguments='{"a"'))
    details = t.ToolCallsStepDetails(tool_calls=(call,))
    assert (t.RunStep(id="s1", step_details=details),) == accumulator.run_steps()
    assert ["on_tool_call_created", "on_tool_call_delta", "on_run_step_delta"] == names(notices)


@pytest.mark.parametrize(
    ("frame", "callback"),
    [
        (step_end(function_call("c", "f", ""), step_id="s0"), "on_run_step_done"),
        (message_end(text("old"), message_id="m0"), "on_message_done"),
    ],
    ids=["step", "message"],
)
def test_first_seen_at_its_end(frame: Frame, callback: str) -> None:
    """A step or message first seen at its end is kept, and its entries give no notice."""
    accumulator, notices = feed(frame)
    assert [events(frame)[0].data] == [*accumulator.run_steps(), *accumulator.messages()]
    assert [callback] == names(notices)


@pytest.mark.parametrize(
    "frames",
    [
        [md(text_patch(0, "Hi")), message_end(), md(text_patch(1, "late"))],
        [sd(function_patch(0, "{}")), step_end(), sd(function_patch(1, "{}"))],
    ],
    ids=["content", "tool-call"],
)
def test_an_entry_opened_after_its_end_is_still_done_once(frames: list[Frame]) -> None:
    """Every entry that gave created gives done once, by the end of the run at the latest."""
    _, notices = feed(*frames, ("thread.run.completed", run("completed")))
    kind = "text" if frames[0][0] == "thread.message.delta" else "tool_call"
    assert 2 == len(args(notices, f"on_{kind}_created"))
    assert 2 == len(args(notices, f"on_{kind}_done"))


# -- index-keyed arrays --------------------------------------------------------------------


def test_sparse_out_of_order_content() -> None:
    """Content index 2 first, then 0: both placed by index, in index order (b.5 #7)."""
    accumulator, notices = feed(
        md(text_patch(2, "two")), md(text_patch(0, "zero")), md(text_patch(2, "!"))
    )
    blocks = (
        t.TextContentBlock(text=t.Text(value="zero")),
        t.TextContentBlock(text=t.Text(value="two!")),
    )
    assert blocks == accumulator.messages()[0].content
    assert ["two", "zero"] == [created.value for (created,) in args(notices, "on_text_created")]


def test_sparse_out_of_order_tool_calls() -> None:
    """Tool-call index 1 first, then 0: both placed by index."""
    accumulator, _ = feed(
        sd(function_patch(1, "{}", call_id="b")), sd(function_patch(0, call_id="a"))
    )
    calls = accumulator.run_steps()[0].step_details.tool_calls
    assert ["a", "b"] == [call.id for call in calls]


def test_annotations_are_patched_by_index() -> None:
    """Annotations are placed by index and merged; each one gives an on_annotation notice."""
    accumulator, notices = feed(
        md(text_patch(0, "a[2]", [citation(1, text="[2]")])),
        md(text_patch(0, "[1]", [citation(0, text="[1]")])),
        md(text_patch(0, None, [citation(1, file_citation={"file_id": "a"}, start_index=1)])),
        md(text_patch(0, None, [citation(1, start_index=4)])),
    )
    first = t.FileCitationAnnotation(text="[1]")
    second = t.FileCitationAnnotation(
        text="[2]", file_citation=t.FileCitation(file_id="a"), start_index=4
    )
    expected = t.Text(value="a[2][1]", annotations=(first, second))
    assert expected == accumulator.messages()[0].content[0].text
    noticed = args(notices, "on_annotation")
    assert [("[2]", None), ("[1]", None), ("[2]", 1), ("[2]", 4)] == [
        (annotation.text, annotation.start_index) for annotation, _ in noticed
    ]
    assert all(annotation in snapshot.annotations for annotation, snapshot in noticed)


def test_code_interpreter_outputs_by_index_and_logs_concatenated() -> None:
    """Outputs are placed by index; logs are a fragment field and concatenate."""
    image = {"index": 0, "type": "image", "image": {"file_id": "img"}}
    accumulator, _ = feed(
        sd(code_patch(0, "print(1)", call_id="c", outputs=[logs(1, "1")])),
        sd(code_patch(0, "\nplot()", outputs=[logs(1, "\n"), image])),
    )
    outputs = (
        t.CodeInterpreterOutputImage(image=t.CodeInterpreterImage(file_id="img")),
        t.CodeInterpreterOutputLogs(logs="1\n"),
    )
    code = t.CodeInterpreter(input="print(1)\nplot()", outputs=outputs)
    calls = accumulator.run_steps()[0].step_details.tool_calls
    assert (t.CodeInterpreterToolCall(id="c", code_interpreter=code),) == calls


def test_only_fragment_fields_concatenate() -> None:
    """A repeated id, name, start_index or file_id overwrites; it is never doubled or summed."""
    accumulator, _ = feed(
        sd(function_patch(0, "{", call_id="c1", name="f")),
        sd(function_patch(0, "}", call_id="c1", name="f")),
        md(text_patch(0, "ab", [citation(0, start_index=3)])),
        md(text_patch(0, "c", [citation(0, start_index=3)])),
        md(image_file_patch(1, "img")),
        md(image_file_patch(1, "img")),
    )
    call = t.FunctionToolCall(id="c1", function=t.FunctionCall(name="f", arguments="{}"))
    assert (call,) == accumulator.run_steps()[0].step_details.tool_calls
    annotation = t.FileCitationAnnotation(start_index=3)
    content = (
        t.TextContentBlock(text=t.Text(value="abc", annotations=(annotation,))),
        t.ImageFileContentBlock(image_file=t.ImageFile(file_id="img")),
    )
    assert content == accumulator.messages()[0].content


@pytest.mark.parametrize(
    ("frames", "path"),
    [
        ([md(text_patch(0, "x")), md(image_file_patch(0, "f"))], "m1: content[0] "),
        ([sd(function_patch(0, "{")), sd(code_patch(0, "x"))], "s1: step_details.tool_calls[0] "),
    ],
    ids=["content", "tool-call"],
)
def test_a_type_change_at_the_same_index_is_refused(frames: list[Frame], path: str) -> None:
    """An entry cannot change type: InvalidDeltaError names the id and the path."""
    first, second = events(*frames)
    accumulator = Accumulator()
    accumulator.feed(first)
    with pytest.raises(InvalidDeltaError, match=r"changed type") as caught:
        accumulator.feed(second)
    assert str(caught.value).startswith(path)


@pytest.mark.parametrize(
    ("frame", "path"),
    [
        (md(text_patch(-1, "x")), "m1: content[-1]"),
        (md(text_patch(10**6, "x")), "m1: content[1000000]"),
        (md(text_patch(2**40, "x")), f"m1: content[{2**40}]"),
        (sd(function_patch(5000, "{")), "s1: step_details.tool_calls[5000]"),
        (md(text_patch(0, "x", [citation(-2)])), "m1: content[0].text.annotations[-2]"),
        (
            sd(code_patch(0, outputs=[logs(99_999, "")])),
            "s1: step_details.tool_calls[0].code_interpreter.outputs[99999]",
        ),
    ],
    ids=["negative", "far", "huge", "tool-call", "annotation", "output"],
)
def test_absurd_indices_are_refused(frame: Frame, path: str) -> None:
    """An absurd index raises InvalidDeltaError naming the id and the array path."""
    with pytest.raises(InvalidDeltaError) as caught:
        feed(frame)
    assert str(caught.value).startswith(path + " ")


# -- the callbacks= filter -----------------------------------------------------------------


def test_every_notice_is_a_handler_callback() -> None:
    """Every name a notice can carry is an EventHandler callback."""
    assert set() == NOTICES - set(CALLBACK_NAMES)


def test_a_notice_names_its_handler_method() -> None:
    """Each notice's callback is a Callback that getattr on a handler turns into that method."""
    _, notices = feed(*RICH)
    methods = [getattr(EventHandler, callback) for callback, _ in notices]
    assert [str(callback) for callback, _ in notices] == [method.__name__ for method in methods]
    assert all(isinstance(callback, Callback) for callback, _ in notices)


@pytest.mark.parametrize(
    "wanted",
    [
        [],
        ["on_text_delta"],
        ["on_tool_call_done", "on_text_done", "on_message_done"],
        ["on_annotation", "on_refusal_delta", "on_image_file_done", "on_run_completed"],
        ["on_message_delta", "on_run_step_delta", "on_end", "not_a_callback"],
        sorted(NOTICES),
    ],
    ids=["none", "text-delta", "dones", "mixed", "snapshots", "all"],
)
def test_callbacks_filter(wanted: list[str]) -> None:
    """With ``callbacks=``, exactly the unfiltered notices of those names come out, in order."""
    full_accumulator, full = feed(*RICH)
    accumulator, filtered = feed(*RICH, callbacks=wanted)
    assert [notice for notice in full if notice[0] in wanted] == filtered
    assert full_accumulator.messages() == accumulator.messages()
    assert full_accumulator.run_steps() == accumulator.run_steps()


# -- kinds this version does not know ------------------------------------------------------


def test_unknown_kinds_keep_merged_raw() -> None:
    """Unknown kinds arrive as Unknown* entries, later raw keys overwriting earlier ones."""
    audio = {"index": 0, "type": "audio", "audio": {"a": 1}, "x": 1}
    accumulator, notices = feed(
        md(audio),
        md({**audio, "audio": {"b": 2}, "y": 2}),
        md({"type": "no_index"}),
        md(text_patch(1, "t", [{"index": 0, "type": "pin", "p": 1}])),
        md(text_patch(1, None, [{"index": 0, "type": "pin", "q": 2}])),
        sd({"index": 0, "type": "bing", "id": "b1", "bing": {"q": 1}}),
        sd({"index": 0, "type": "bing", "bing": {"r": 2}}),
        sd(code_patch(1, outputs=[{"index": 0, "type": "chart", "c": 1}])),
        sd(code_patch(1, outputs=[{"index": 0, "type": "chart", "d": 2}])),
        ("thread.run.step.delta", {"id": "s1", "delta": {"step_details": {"type": "new"}}}),
    )
    content = accumulator.messages()[0].content
    raw = {"index": 0, "type": "audio", "audio": {"b": 2}, "x": 1, "y": 2}
    assert t.UnknownMessageContent(type="audio", raw=raw) == content[0]
    pin = t.UnknownAnnotation(type="pin", raw={"index": 0, "type": "pin", "p": 1, "q": 2})
    assert (pin,) == content[1].text.annotations
    bing, code = accumulator.run_steps()[0].step_details.tool_calls
    bing_raw = {"index": 0, "type": "bing", "id": "b1", "bing": {"r": 2}}
    assert t.UnknownToolCall(type="bing", id="b1", raw=bing_raw) == bing
    chart = {"index": 0, "type": "chart", "c": 1, "d": 2}
    assert (
        t.UnknownCodeInterpreterOutput(type="chart", raw=chart),
    ) == code.code_interpreter.outputs
    assert {"on_tool_call_created", "on_annotation"} <= set(names(notices))


# -- fragments accumulate to the exact text ------------------------------------------------

FRAGMENT_KINDS: dict[str, tuple[Callable[[str], Frame], str, Callable[[Any], str]]] = {
    "text": (lambda piece: md(text_patch(0, piece)), "on_text_delta", lambda s: s.value),
    "refusal": (lambda piece: md(refusal(0, piece)), "on_refusal_delta", lambda s: s.refusal),
    "arguments": (
        lambda piece: sd(function_patch(0, piece)),
        "on_tool_call_delta",
        lambda s: s.function.arguments,
    ),
    "code": (
        lambda piece: sd(code_patch(0, piece)),
        "on_tool_call_delta",
        lambda s: s.code_interpreter.input,
    ),
}


@given(fragmented_texts(), st.sampled_from(sorted(FRAGMENT_KINDS)), st.data())
def test_fragments_accumulate_to_the_exact_text(
    case: tuple[str, list[str]], kind: str, data: st.DataObject
) -> None:
    """Any split of any text accumulates to it, and each snapshot holds the prefix so far."""
    value, pieces = case
    frame_of, name, read = FRAGMENT_KINDS[kind]
    accumulator = Accumulator()
    seen: list[tuple[str, Any]] = []
    prefix = ""
    for piece in pieces:
        prefix += piece
        for called, arguments in accumulator.feed(events(frame_of(piece))[0]):
            if called == name:
                seen.append((prefix, arguments[1]))
                if data.draw(st.booleans(), label="read now"):
                    assert prefix == read(arguments[1])
    assert [expected for expected, _ in seen] == [read(snapshot) for _, snapshot in seen]
    assert value == read(seen[-1][1])
