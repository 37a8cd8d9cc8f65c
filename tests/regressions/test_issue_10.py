"""Regressions: the accumulator defects of issue 10, one test each (all failed on 1e3381c).

Content in ``created`` objects was dropped, an untyped continuation was refused (or replaced
an annotation or an output), a failed delta was half applied, the lifecycle table's
``(OPEN, PATCH)`` row was a hand-inlined copy, and the end of a message created a
never-streamed block while another one was still open.
"""

from __future__ import annotations

from typing import Any

import pytest
from accumulating import args, feed, md, names, observed, sd
from builders import (
    Frame,
    body,
    code_patch,
    events,
    function_call,
    function_patch,
    message,
    run,
    step,
    text,
    text_patch,
)

from assistant_stream import _lifecycle, replay
from assistant_stream import types as t
from assistant_stream._lifecycle import Move, Notify, Phase
from assistant_stream.accumulate import Accumulator
from assistant_stream.errors import InvalidDeltaError

CITATION = {"index": 0, "type": "file_citation", "text": "[1]"}


def created_message(*content: Any) -> Frame:
    """A ``thread.message.created`` frame whose message already holds ``content``."""
    return ("thread.message.created", message("m1", content=list(content)))


def created_step(*tool_calls: Any) -> Frame:
    """A ``thread.run.step.created`` frame whose step already holds ``tool_calls``."""
    return ("thread.run.step.created", step("s1", tool_calls=list(tool_calls)))


# -- 1. content in created objects ---------------------------------------------------------


def test_created_text_is_continued_by_the_first_delta() -> None:
    """Created "hello" then delta " world" is "hello world", created once, then the delta."""
    accumulator, notices = feed(created_message(text("hello")), md(text_patch(0, " world")))
    hello_world = t.Text(value="hello world")
    assert [(hello_world,)] == args(notices, "on_text_created")
    assert [" world"] == [delta.value for delta, _ in args(notices, "on_text_delta")]
    assert [hello_world] == [snapshot for _, snapshot in args(notices, "on_text_delta")]
    assert (t.TextContentBlock(text=hello_world),) == accumulator.messages()[0].content


def test_created_text_never_continued_is_created_and_done_at_the_end() -> None:
    """A seeded block that no delta touched is created and done when its message ends."""
    _, notices = feed(created_message(text("hello")), ("thread.message.incomplete", message("m1")))
    expected = ["on_message_created", "on_text_created", "on_text_done", "on_message_done"]
    assert expected == names(notices)
    assert [(t.Text(value="hello"),)] == args(notices, "on_text_done")


def test_created_function_call_keeps_its_name_and_arguments() -> None:
    """A created function call with a name and partial arguments is continued by deltas."""
    seeded = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a"'}}
    accumulator, notices = feed(created_step(seeded), sd(function_patch(0, ": 1}")))
    call = t.FunctionToolCall(id="c1", function=t.FunctionCall(name="f", arguments='{"a": 1}'))
    assert [(call,)] == args(notices, "on_tool_call_created")
    assert (call,) == accumulator.run_steps()[0].step_details.tool_calls


def test_created_code_interpreter_call_keeps_its_input_and_outputs() -> None:
    """A created code interpreter call keeps its input and outputs; a delta continues both."""
    logs = {"type": "logs", "logs": "1"}
    seeded = {"id": "c", "type": "code_interpreter", "code_interpreter": {"input": "print(1)"}}
    seeded["code_interpreter"]["outputs"] = [logs]
    more = code_patch(0, "\nprint(2)", outputs=[{"index": 0, "type": "logs", "logs": "\n2"}])
    accumulator, _ = feed(created_step(seeded), sd(more))
    code = t.CodeInterpreter(
        input="print(1)\nprint(2)", outputs=(t.CodeInterpreterOutputLogs(logs="1\n2"),)
    )
    expected = (t.CodeInterpreterToolCall(id="c", code_interpreter=code),)
    assert expected == accumulator.run_steps()[0].step_details.tool_calls


def test_created_file_search_and_unknown_calls_are_kept_and_merged() -> None:
    """Created file_search and unknown calls keep their detail, and deltas merge into it."""
    search = {
        "id": "fs",
        "type": "file_search",
        "file_search": {"ranking_options": {"ranker": "auto", "score_threshold": 0.5}},
    }
    bing = {"id": "b", "type": "future_tool", "future_tool": {"q": 1}}
    accumulator, _ = feed(
        created_step(search, bing),
        sd({"index": 0, "type": "file_search", "file_search": {"results": []}}),
        sd({"index": 1, "type": "future_tool", "extra": 2}),
    )
    ranking = t.FileSearchRankingOptions(ranker="auto", score_threshold=0.5)
    first, second = accumulator.run_steps()[0].step_details.tool_calls
    assert (
        t.FileSearchToolCall(id="fs", file_search=t.FileSearch(ranking_options=ranking, results=()))
        == first
    )
    raw = {**bing, "index": 1, "extra": 2}
    assert t.UnknownToolCall(type="future_tool", id="b", raw=raw) == second


def test_in_progress_fills_only_empty_indices() -> None:
    """A stale in_progress object keeps the streamed block and adds the one it alone holds."""
    in_progress = ("thread.message.in_progress", message("m1", content=[text("a"), text("zzz")]))
    accumulator, _ = feed(md(text_patch(0, "abc")), in_progress)
    values = [block.text.value for block in accumulator.messages()[0].content]
    assert ["abc", "zzz"] == values


def test_a_seeded_block_waiting_at_the_run_end_is_created_and_done() -> None:
    """A seeded block of a message that never ends is created and done when the run ends."""
    _, notices = feed(created_message(text("hi")), ("thread.run.completed", run("completed")))
    assert ["on_message_created", "on_text_created", "on_text_done", "on_run_completed"] == (
        names(notices)
    )


# -- 2. continuations without a type -------------------------------------------------------


def test_an_untyped_tool_call_continuation_continues_the_call() -> None:
    """A delta without ``type`` at a function call's index continues it as a function delta."""
    untyped = {"index": 0, "function": {"arguments": "1}"}}
    accumulator, notices = feed(sd(function_patch(0, '{"a":', call_id="c1")), sd(untyped))
    call = accumulator.run_steps()[0].step_details.tool_calls[0]
    assert '{"a":1}' == call.function.arguments
    delta, _ = args(notices, "on_tool_call_delta")[-1]
    assert t.FunctionToolCallDelta(index=0, function=t.FunctionCallDelta(arguments="1}")) == delta


def test_an_untyped_content_continuation_continues_the_block() -> None:
    """A delta without ``type`` at a text block's index continues the text."""
    accumulator, _ = feed(md(text_patch(0, "Hel")), md({"index": 0, "text": {"value": "lo"}}))
    assert "Hello" == accumulator.messages()[0].content[0].text.value


def test_an_untyped_annotation_continuation_continues_the_annotation() -> None:
    """An annotation delta without ``type`` patches the citation at its index."""
    accumulator, _ = feed(
        md(text_patch(0, "x[1]", [CITATION])),
        md(text_patch(0, None, [{"index": 0, "start_index": 1}])),
    )
    annotation = t.FileCitationAnnotation(text="[1]", start_index=1)
    assert (annotation,) == accumulator.messages()[0].content[0].text.annotations


def test_an_untyped_output_continuation_continues_the_logs() -> None:
    """A code interpreter output delta without ``type`` appends to the logs at its index."""
    accumulator, _ = feed(
        sd(code_patch(0, "x", outputs=[{"index": 0, "type": "logs", "logs": "a"}])),
        sd(code_patch(0, outputs=[{"index": 0, "logs": "b"}])),
    )
    outputs = accumulator.run_steps()[0].step_details.tool_calls[0].code_interpreter.outputs
    assert (t.CodeInterpreterOutputLogs(logs="ab"),) == outputs


# -- 3. a failed delta is not half applied --------------------------------------------------


@pytest.mark.parametrize(
    "failing",
    [
        md(text_patch(0, " more"), text_patch(5000, "x")),
        md(text_patch(0, " more"), {"index": 0, "type": "image_file"}),
        md(text_patch(0, " more", [CITATION, {**CITATION, "index": -1}])),
        sd(code_patch(0, "y", outputs=[{"index": 0, "type": "logs"}, {"index": 9999}])),
    ],
    ids=["second-patch-index", "second-patch-type", "annotations", "outputs"],
)
def test_a_failed_event_changes_nothing(failing: Frame) -> None:
    """After InvalidDeltaError, everything the accumulator shows is as before that event."""
    accumulator, _ = feed(md(text_patch(0, "Hi")), sd(code_patch(0, "x", call_id="c")))
    before = observed(accumulator)
    with pytest.raises(InvalidDeltaError):
        accumulator.feed(events(failing)[0])
    assert before == observed(accumulator)


def test_a_failed_first_delta_leaves_no_message_behind() -> None:
    """A first delta for an unseen message that fails does not create the message."""
    accumulator = Accumulator()
    with pytest.raises(InvalidDeltaError):
        accumulator.feed(events(md(text_patch(0, "x", [{**CITATION, "index": -1}])))[0])
    assert ((), None) == (accumulator.messages(), accumulator.current_message())


async def test_the_error_of_a_failed_delta_carries_the_snapshots_before_it() -> None:
    """A stream that fails on a delta raises with ``partial`` holding what came before it."""
    data = body(md(text_patch(0, "Hi")), md(text_patch(0, " there"), text_patch(-1, "")))
    with pytest.raises(InvalidDeltaError) as caught:
        async with replay(data) as stream:
            await stream.until_done()
    assert caught.value.partial is not None
    assert ["Hi"] == [m.content[0].text.value for m in caught.value.partial.messages]


# -- 4. the lifecycle table is what runs ----------------------------------------------------


def test_a_changed_table_row_changes_the_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    """An accumulator built against a table whose (OPEN, PATCH) row says delta twice does so."""
    table = dict(_lifecycle.TRANSITIONS)
    table[Phase.OPEN, Move.PATCH] = (Phase.OPEN, (Notify.DELTA, Notify.DELTA))
    monkeypatch.setattr(_lifecycle, "TRANSITIONS", table)
    _, notices = feed(md(text_patch(0, "a")), md(text_patch(0, "b")))
    assert ["on_text_created", "on_text_delta", "on_text_delta", "on_text_delta"] == [
        name for name in names(notices) if name.startswith("on_text")
    ]


# -- the end of a message finishes the open block first --------------------------------------


def test_the_open_block_is_done_before_a_never_streamed_one_is_created() -> None:
    """At message end, the streaming block's done precedes the created of a block not streamed."""
    end = ("thread.message.completed", message("m1", "completed", [text("x"), text("y")]))
    _, notices = feed(md(text_patch(1, "y")), end)
    expected = ["on_text_done", "on_text_created", "on_text_done"]
    assert expected == [name for name in names(notices) if name.startswith("on_text")][2:]
    assert ["y", "x"] == [value.value for (value,) in args(notices, "on_text_done")]


def test_the_open_call_is_done_before_a_never_streamed_one_is_created() -> None:
    """At step end, the streaming call's done precedes the created of a call not streamed."""
    calls = [function_call("c0", "f", "{}"), function_call("c1", "f", "[]")]
    end = ("thread.run.step.completed", step("s1", "completed", calls))
    _, notices = feed(sd(function_patch(1, "[]", call_id="c1")), end)
    expected = ["on_tool_call_done", "on_tool_call_created", "on_tool_call_done"]
    assert expected == [name for name in names(notices) if name.startswith("on_tool")][2:]


def test_the_run_end_finishes_a_call_seeded_by_its_created_step() -> None:
    """A tool call carried by step.created, never streamed, is created and done at the run end."""
    _, notices = feed(
        created_step(function_call("c1", "f", "{}")), ("thread.run.requires_action", run("x"))
    )
    assert ["c1"] == [call.id for (call,) in args(notices, "on_tool_call_done")]
