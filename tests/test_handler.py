"""Tests for assistant_stream.handler and assistant_stream._dispatch."""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any
from unittest import mock

import pytest
from builders import (
    Frame,
    Recorder,
    RecorderBase,
    body,
    events,
    function_call,
    function_patch,
    image_file,
    image_file_patch,
    message,
    message_delta,
    record,
    run,
    sse,
    step,
    step_delta,
    text,
    text_patch,
)

from assistant_stream import EventHandler, StreamState, replay
from assistant_stream import _dispatch as dispatch_module
from assistant_stream._dispatch import Dispatcher
from assistant_stream.handler import CALLBACK_NAMES

# -- streams ------------------------------------------------------------------------------

HELLO: list[Frame] = [
    ("thread.run.created", run("queued")),
    ("thread.message.created", message("m1")),
    ("thread.message.delta", message_delta("m1", text_patch(0, "Hel", []))),
    ("thread.message.delta", message_delta("m1", text_patch(0, "lo"))),
    ("thread.message.completed", message("m1", "completed", [text("Hello")])),
    ("thread.run.completed", run("completed")),
]

S1_DONE = step(
    "s1",
    "completed",
    [function_call("c1", "f", '{"a":1}', "one"), function_call("c2", "g", '{"b":2}', "two")],
)

#: Two messages (text, image_file, text; then text) and two tool steps of two calls each;
#: step 2's first call is at index 0 again, and step 2 is still open at requires_action.
TWO_OF_EACH: list[Frame] = [
    ("thread.run.created", run("queued")),
    ("thread.message.created", message("m1")),
    ("thread.message.delta", message_delta("m1", text_patch(0, "Hel", []))),
    ("thread.message.delta", message_delta("m1", text_patch(0, "lo"))),
    ("thread.message.delta", message_delta("m1", image_file_patch(1, "f1"))),
    ("thread.message.delta", message_delta("m1", text_patch(2, "Bye", []))),
    (
        "thread.message.completed",
        message("m1", "completed", [text("Hello"), image_file("f1"), text("Bye")]),
    ),
    ("thread.run.step.created", step("s1")),
    ("thread.run.step.delta", step_delta("s1", function_patch(0, '{"a":', call_id="c1", name="f"))),
    ("thread.run.step.delta", step_delta("s1", function_patch(0, "1}"))),
    (
        "thread.run.step.delta",
        step_delta("s1", function_patch(1, '{"b":2}', call_id="c2", name="g")),
    ),
    ("thread.run.step.completed", S1_DONE),
    ("thread.message.created", message("m2")),
    ("thread.message.delta", message_delta("m2", text_patch(0, "Second", []))),
    ("thread.message.completed", message("m2", "completed", [text("Second")])),
    ("thread.run.step.created", step("s2")),
    ("thread.run.step.delta", step_delta("s2", function_patch(0, '{"c":', call_id="c3", name="f"))),
    ("thread.run.step.delta", step_delta("s2", function_patch(0, "3}"))),
    ("thread.run.step.delta", step_delta("s2", function_patch(1, "{}", call_id="c4", name="g"))),
    ("thread.run.requires_action", run("requires_action")),
]


def on(spec: str) -> list[str]:
    """Callback names from a compact spec: ``on("text_created text_delta")``."""
    return [f"on_{name}" for name in spec.split()]


async def source(
    frames: Iterable[Frame], log: list[Any], *, then: Exception | None = None
) -> AsyncIterator[bytes]:
    """Each frame as its own chunk, then ``done`` (or ``then`` raised); logs its closing."""
    try:
        for name, data in frames:
            yield sse(name, data)
        if then is not None:
            raise then
        yield sse("done", "[DONE]")
    finally:
        log.append(("source closed", ()))


async def drain(frames: Iterable[Frame], handler: Any) -> None:
    """Replay the frames (then ``done``) through ``handler`` to the end."""
    async with replay(body(*frames), handler) as stream:
        await stream.until_done()


class Boom(Exception):
    """The exception a failing callback raises."""


# -- the callback table -------------------------------------------------------------------


def test_callback_table_holds_only_overridden_callbacks() -> None:
    """The dispatcher's table names each callback a handler has, and nothing else."""

    class Partial(EventHandler):
        async def on_text_delta(self, delta: Any, snapshot: Any) -> None: ...

        def on_end(self) -> None: ...

    class Child(Partial):
        def on_done(self) -> None: ...

    assert {"on_text_delta", "on_end"} == Dispatcher([Partial()]).wanted
    assert {"on_text_delta", "on_end", "on_done"} == Dispatcher([Child()]).wanted
    assert frozenset() == Dispatcher([EventHandler()]).wanted


async def test_callback_table_is_built_once_per_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stream reads each handler's callbacks once when it starts, not per event."""
    read: list[object] = []
    original = dispatch_module.callbacks_of

    def counting(handler: Any) -> Any:
        read.append(handler)
        return original(handler)

    monkeypatch.setattr(dispatch_module, "callbacks_of", counting)
    first, second = Recorder(), Recorder()
    stream = replay(body(*TWO_OF_EACH), [first, second])
    assert [] == read  # nothing is read before the stream starts
    async with stream:
        await stream.until_done()
    assert [first, second] == read
    assert first.calls == second.calls


async def test_callbacks_not_overridden_are_never_called() -> None:
    """EventHandler's own do-nothing callbacks never run: they are not in the table."""

    class OnlyDeltas(EventHandler):
        def __init__(self) -> None:
            self.values: list[str] = []

        def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            self.values.append(delta.value)

    defaults = {function.__code__ for function in dispatch_module.DEFAULTS.values()}
    called: list[str] = []

    def profile(frame: Any, what: str, _: Any) -> None:
        if what == "call" and frame.f_code in defaults:
            called.append(frame.f_code.co_name)

    handler = OnlyDeltas()
    sys.setprofile(profile)
    try:
        await drain(TWO_OF_EACH, handler)
    finally:
        sys.setprofile(None)
    assert ["Hel", "lo", "Bye", "Second"] == handler.values
    assert [] == called


async def test_every_callback_goes_through_dispatcher_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """One call path: each callback a stream calls, lifecycle ones included, is run's."""
    ran: list[str] = []
    original = Dispatcher.run

    async def spy(self: Dispatcher, notices: Any, feed: Any = None, event: Any = None) -> bool:
        def noting(items: Any) -> Any:
            for callback, args in items:
                ran.append(callback.value)
                yield callback, args

        fed = None if feed is None else (lambda event: noting(feed(event)))
        return await original(self, noting(notices), fed, event)

    monkeypatch.setattr(Dispatcher, "run", spy)
    recorder = Recorder()
    async with replay(body(*TWO_OF_EACH), recorder) as stream:
        await stream.until_done()
    assert recorder.names(with_events=True) == ran
    assert {"on_connect", "on_event", "on_done", "on_end"} <= set(ran)


async def test_on_event_runs_before_the_snapshots_change() -> None:
    """In on_event the stream still shows the state before the event; after it, the new one."""
    seen: list[tuple[str, str]] = []

    def text_of(stream: Any) -> str:
        message = stream.current_message_snapshot
        return "".join(block.text.value for block in message.content) if message else ""

    class Watcher(EventHandler):
        def on_event(self, event: Any) -> None:
            if event.event == "thread.message.delta":
                seen.append(("before", text_of(stream)))

        def on_message_delta(self, delta: Any, snapshot: Any) -> None:
            seen.append(("after", text_of(stream)))

    stream = replay(body(*HELLO), Watcher())
    async with stream:
        await stream.until_done()
    assert [("before", ""), ("after", "Hel"), ("before", "Hel"), ("after", "Hello")] == seen


# -- callbacks attached after the class exists -------------------------------------------


async def test_callback_assigned_to_an_instance_is_called() -> None:
    """A function set on a handler instance is one of its callbacks."""
    seen: list[str] = []
    handler = EventHandler()
    handler.on_text_delta = lambda delta, snapshot: seen.append(delta.value)  # type: ignore[method-assign]
    await drain(HELLO, handler)
    assert ["Hel", "lo"] == seen


async def test_callback_patched_onto_the_class_is_called() -> None:
    """unittest.mock.patch.object on a handler class, after it was made, is seen."""

    class Quiet(EventHandler):
        async def on_done(self) -> None: ...

    with mock.patch.object(Quiet, "on_text_delta") as patched:
        await drain(HELLO, Quiet())
    assert ["Hel", "lo"] == [call.args[0].value for call in patched.call_args_list]


async def test_async_mock_with_the_handler_spec_is_a_handler() -> None:
    """AsyncMock(spec=EventHandler) receives (and awaits) every callback, in order."""
    handler = mock.AsyncMock(spec=EventHandler)
    await drain(HELLO, handler)
    handler.on_text_delta.assert_awaited()
    names = [name for name, _, _ in handler.mock_calls]
    expected = (await record(body(*HELLO))).names(with_events=True)
    assert expected == names


def test_callbacks_are_looked_up_by_plain_str() -> None:
    """Names are exact str: a str subclass would turn the handler's attributes into a dict."""
    kinds: set[type] = set()

    class Spying(EventHandler):
        def __getattribute__(self, name: str) -> Any:
            kinds.add(type(name))
            return super().__getattribute__(name)

    Dispatcher([Spying()])
    assert {str} == kinds


async def test_callbacks_are_read_when_the_stream_starts() -> None:
    """A callback attached after the stream started is not called by that stream."""
    seen: list[str] = []
    handler = EventHandler()
    async with replay(body(*HELLO), handler) as stream:
        handler.on_text_delta = lambda delta, snapshot: seen.append(delta.value)  # type: ignore[method-assign]
        await stream.until_done()
    assert [] == seen


# -- how callbacks are called -------------------------------------------------------------


async def test_sync_and_async_callbacks_run_in_order_one_at_a_time() -> None:
    """``def`` and ``async def`` callbacks mix; each finishes before the next one starts."""

    class Mixed(EventHandler):
        def __init__(self) -> None:
            self.log: list[str] = []

        def on_text_created(self, text: Any) -> None:
            self.log.append(f"on_text_created:{text.value}")

        async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            self.log.append(f"on_text_delta:{delta.value}:start")
            await asyncio.sleep(0)
            self.log.append(f"on_text_delta:{delta.value}:end")

        def on_message_delta(self, delta: Any, snapshot: Any) -> None:
            self.log.append("on_message_delta")

        async def on_text_done(self, text: Any) -> None:
            await asyncio.sleep(0)
            self.log.append(f"on_text_done:{text.value}")

    handler = Mixed()
    await drain(HELLO, handler)
    expected = on(
        "text_created:Hel text_delta:Hel:start text_delta:Hel:end message_delta"
        " text_delta:lo:start text_delta:lo:end message_delta text_done:Hello"
    )
    assert expected == handler.log


def _plain_wrapper(function: Any) -> Any:
    """A typical logging decorator: a plain ``def`` that returns what ``function`` returns."""

    @functools.wraps(function)
    def wrapper(*args: Any) -> Any:
        return function(*args)

    return wrapper


def _handler_with(kind: str, seen: list[str]) -> EventHandler:
    """A handler whose ``on_text_delta`` is a classmethod, a staticmethod or decorated."""

    def of_class(cls: Any, delta: Any, snapshot: Any) -> None:
        seen.append(delta.value)

    def static(delta: Any, snapshot: Any) -> None:
        seen.append(delta.value)

    async def asynchronous(self: Any, delta: Any, snapshot: Any) -> None:
        seen.append(delta.value)

    callback = {
        "classmethod": classmethod(of_class),
        "staticmethod": staticmethod(static),
        "decorated_async": _plain_wrapper(asynchronous),
    }[kind]
    return type("Handler", (EventHandler,), {"on_text_delta": callback})()


@pytest.mark.parametrize(
    "kind",
    [
        "classmethod",
        "staticmethod",
        "decorated_async",
    ],
)
async def test_callback_defined_as(kind: str) -> None:
    """Callbacks that are not plain instance methods are called like ``handler.on_x(...)``."""
    seen: list[str] = []
    await drain(HELLO, _handler_with(kind, seen))
    assert ["Hel", "lo"] == seen


async def test_subclass_need_not_call_super_init() -> None:
    """A handler whose ``__init__`` skips ``super().__init__()`` works."""

    class NoSuper(EventHandler):
        def __init__(self, prefix: str) -> None:
            self.prefix = prefix
            self.seen: list[str] = []

        def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            self.seen.append(self.prefix + snapshot.value)

    handler = NoSuper("> ")
    await drain(HELLO, handler)
    assert ["> Hel", "> Hello"] == handler.seen


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("on_text_deltas", "on_text_delta"),
        ("on_mesage_done", "on_message_done"),
        ("on_toolcall_done", "on_tool_call_done"),
    ],
)
def test_misspelled_callback_warns_with_the_close_match(typo: str, meant: str) -> None:
    """A method named almost like a callback warns where the class is made, naming the callback."""
    pattern = rf"Typo\.{typo} is not an EventHandler callback .*did you mean '{meant}'\?"
    with pytest.warns(UserWarning, match=pattern) as caught:
        typo_class = type("Typo", (EventHandler,), {typo: lambda self, *args: None})
    assert [__file__] == [warning.filename for warning in caught]  # points at the class
    assert typo not in Dispatcher([typo_class()]).wanted


async def test_one_handler_serves_two_streams_in_turn() -> None:
    """A handler reused for a second stream gets the full sequence again."""
    once = await record(body(*TWO_OF_EACH))
    reused = Recorder()
    for _ in range(2):
        await drain(TWO_OF_EACH, reused)
    assert once.calls * 2 == reused.calls


def _tagging(name: str) -> Any:
    async def call(self: Any, *args: Any) -> None:
        self.log.append((self.tag, name))

    return call


class _TaggedBase(EventHandler):
    def __init__(self, tag: str, log: list[tuple[str, str]]) -> None:
        self.tag, self.log = tag, log


Tagged = type("Tagged", (_TaggedBase,), {name: _tagging(name) for name in CALLBACK_NAMES})


async def test_fan_out_calls_each_handler_in_order_for_each_notice() -> None:
    """With ``[h1, h2]`` every callback runs on h1, then on h2, before the next one."""
    once = await record(body(*TWO_OF_EACH))
    log: list[tuple[str, str]] = []
    await drain(TWO_OF_EACH, [Tagged("h1", log), Tagged("h2", log)])
    assert [(tag, name) for name, _ in once.calls for tag in ("h1", "h2")] == log


# -- failures and cancellation -------------------------------------------------------------


async def test_callback_exception_reaches_on_exception_then_on_end_then_the_caller() -> None:
    """A callback's exception goes to on_exception, the source closes, on_end runs, it raises."""

    class Failing(Recorder):
        async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            await super().on_text_delta(delta, snapshot)
            raise Boom(delta.value)

    handler = Failing()
    stream = replay(source(HELLO, handler.calls), handler)
    async with stream:
        with pytest.raises(Boom) as raised:
            await stream.until_done()
        with pytest.raises(Boom) as again:
            await stream.until_done()
    assert [*on("text_created text_delta exception"), "source closed", "on_end"] == (
        handler.names()[-5:]
    )
    assert [(raised.value,)] == handler.args("on_exception")
    assert raised.value is handler.args("on_exception")[0][0]
    assert raised.value is again.value
    assert (StreamState.FAILED, 1) == (stream.state, handler.names().count("on_end"))


async def test_timeout_from_the_source_calls_on_timeout_then_on_exception() -> None:
    """A TimeoutError from the source calls on_timeout, then on_exception, then on_end."""
    handler = Recorder()
    timeout = TimeoutError("read timed out")
    with pytest.raises(TimeoutError):
        async with replay(source(HELLO[:1], handler.calls, then=timeout), handler) as stream:
            await stream.until_done()
    assert [*on("connect run_created"), "source closed", *on("timeout exception end")] == (
        handler.names()
    )
    assert [(timeout,)] == handler.args("on_exception")


async def test_cancelled_while_a_callback_awaits() -> None:
    """Cancelling ``until_done()`` mid-callback: source closed, on_end once, no on_exception."""

    class Blocking(Recorder):
        def __init__(self) -> None:
            super().__init__()
            self.entered = asyncio.Event()

        async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            await super().on_text_delta(delta, snapshot)
            self.entered.set()
            await asyncio.Event().wait()  # never set

    handler = Blocking()
    stream = replay(source(HELLO, handler.calls), handler)

    async def consume() -> None:
        async with stream:
            await stream.until_done()

    task = asyncio.create_task(consume())
    await handler.entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [*on("text_created text_delta"), "source closed", "on_end"] == handler.names()[-4:]
    assert (0, 1) == (handler.names().count("on_exception"), handler.names().count("on_end"))
    assert StreamState.CLOSED == stream.state
    assert set() == asyncio.all_tasks() - {asyncio.current_task()}


# -- exactly-once guarantees ---------------------------------------------------------------

_ID_LABELLED = "tool_call_created tool_call_delta tool_call_done"
_ID_LABELLED += " message_created message_done run_step_created run_step_done"
_LABELS: dict[str, Callable[[tuple[Any, ...]], str]] = {
    **dict.fromkeys(on("text_created text_delta text_done"), lambda args: args[-1].value),
    "on_image_file_done": lambda args: args[-1].file_id,
    **dict.fromkeys(on(_ID_LABELLED), lambda args: args[-1].id),
}


def trace(recorder: RecorderBase) -> list[str]:
    """The block, tool-call, message and step callbacks as ``"name:label"``.

    The label is the text value (of the snapshot, for deltas), the image file id, or the id.
    """
    return [f"{name}:{_LABELS[name](args)}" for name, args in recorder.calls if name in _LABELS]


async def test_exactly_once_trace() -> None:
    """Every block and call: one created, its first chunk as a delta, one done before the next."""
    recorder = await record(body(*TWO_OF_EACH))
    expected = on(
        "message_created:m1 text_created:Hel text_delta:Hel text_delta:Hello text_done:Hello"
        " image_file_done:f1 text_created:Bye text_delta:Bye text_done:Bye message_done:m1"
        " run_step_created:s1 tool_call_created:c1 tool_call_delta:c1 tool_call_delta:c1"
        " tool_call_done:c1 tool_call_created:c2 tool_call_delta:c2 tool_call_done:c2"
        " run_step_done:s1"
        " message_created:m2 text_created:Second text_delta:Second text_done:Second"
        " message_done:m2"
        " run_step_created:s2 tool_call_created:c3 tool_call_delta:c3 tool_call_delta:c3"
        " tool_call_done:c3 tool_call_created:c4 tool_call_delta:c4 tool_call_done:c4"
    )
    assert expected == trace(recorder)
    for kind in ("text", "tool_call"):  # the created argument is the first delta's snapshot
        calls = [(name, args) for name, args in recorder.calls if name.startswith(f"on_{kind}_")]
        firsts = [calls[at + 1][1][-1] for at, (name, _) in enumerate(calls) if "created" in name]
        assert [args[0] for args in recorder.args(f"on_{kind}_created")] == firsts


async def test_tool_call_done_at_step_completed_gets_the_completed_call() -> None:
    """The call still open at step.completed is done with the step's terminal call (output)."""
    recorder = await record(body(*TWO_OF_EACH))
    completed = events(("thread.run.step.completed", S1_DONE))[0].data
    done = {args[0].id: args[0] for args in recorder.args("on_tool_call_done")}
    assert completed.step_details.tool_calls[1] == done["c2"]
    assert ("two", None, None) == tuple(done[i].function.output for i in ("c2", "c3", "c4"))
    assert [completed] == [args[0] for args in recorder.args("on_run_step_done")]
