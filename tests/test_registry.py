"""Tests for assistant_stream._registry (and _arguments): registration, conversion, answers."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from typing import Any, Literal

import attrs
import orjson
import pytest
from tool_types import Color, Level, Movie

from assistant_stream._registry import ToolRegistry
from assistant_stream._required import RequiredToolCall, ToolOutput
from assistant_stream.errors import ConfigurationError, ToolCallError

#: How long a test waits for something that should happen at once, before failing.
PATIENCE = 5.0


@attrs.frozen
class Point:
    x: int
    y: int = 0


@dataclasses.dataclass
class Box:
    corner: Point
    label: str | None = None


def call(
    name: str, arguments: dict[str, Any] | None = None, id: str = "call_1"
) -> RequiredToolCall:
    """A pending call of ``name`` with these arguments (``{}`` when none)."""
    parsed = {} if arguments is None else arguments
    return RequiredToolCall(id, name, orjson.dumps(parsed).decode(), parsed)


def error_of(output: ToolOutput) -> str:
    """The text of an error output, ``{"error": ...}``."""
    decoded = orjson.loads(output.output)
    assert ["error"] == list(decoded)
    text: str = decoded["error"]
    return text


# -- registration ------------------------------------------------------------------------


def test_bare_registration_returns_the_function() -> None:
    """@registry.function registers the function under its name and returns it unchanged."""
    tools = ToolRegistry()

    def lookup(key: str) -> str:
        return key

    assert lookup is tools.function(lookup)
    assert (("lookup",), 1, True) == (tools.names, len(tools), "lookup" in tools)


def test_registration_with_arguments() -> None:
    """name=, description= and strict= shape the definition; the function is unchanged."""
    tools = ToolRegistry()

    async def lookup(key: str = "a") -> str:
        """Not the description."""
        return key

    assert lookup is tools.function(name="find", description="Find a key.", strict=False)(lookup)
    expected = {
        "type": "function",
        "function": {
            "name": "find",
            "description": "Find a key.",
            "parameters": {
                "type": "object",
                "properties": {"key": {"type": "string"}},
                "required": [],
                "additionalProperties": False,
            },
            "strict": False,
        },
    }
    assert ([expected], ("find",), False) == (tools.definitions(), tools.names, "lookup" in tools)


def test_definitions_in_registration_order() -> None:
    """definitions() lists every function, strict when asked, described by its docstring."""
    tools = ToolRegistry()

    @tools.function(strict=True)
    def weather(city: str, units: Literal["c", "f"] = "c") -> str:
        """Get the weather for a city.

        Only the first paragraph describes the function.

        Args:
            city: the city's name.
            units: the unit.
        """
        return city

    @tools.function(strict=True)
    def ping() -> str:
        return "pong"

    expected = [
        {
            "type": "function",
            "function": {
                "name": "weather",
                "description": "Get the weather for a city.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "city": {"type": "string", "description": "the city's name."},
                        "units": {
                            "anyOf": [{"type": "string", "enum": ["c", "f"]}, {"type": "null"}],
                            "description": "the unit.",
                        },
                    },
                    "required": ["city", "units"],
                    "additionalProperties": False,
                },
                "strict": True,
            },
        },
        {
            "type": "function",
            "function": {
                "name": "ping",
                "parameters": {
                    "type": "object",
                    "properties": {},
                    "required": [],
                    "additionalProperties": False,
                },
                "strict": True,
            },
        },
    ]
    assert expected == tools.definitions()


def test_a_bare_registration_is_not_strict() -> None:
    """Without strict=, the schema is the plain one: defaults optional, tuples allowed."""
    tools = ToolRegistry()

    @tools.function
    def pick(pair: tuple[int, str], limit: int = 3) -> str:
        return "ok"

    (definition,) = tools.definitions()
    assert False is definition["function"]["strict"]
    assert ["pair"] == definition["function"]["parameters"]["required"]
    assert False is definition["function"]["parameters"]["additionalProperties"]


def test_definitions_are_fresh_copies() -> None:
    """Changing what definitions() returned does not change the registry."""
    tools = ToolRegistry()

    @tools.function
    def lookup(key: str) -> str:
        return key

    first = tools.definitions()
    first[0]["function"]["name"] = "changed"
    first[0]["function"]["parameters"]["properties"]["key"]["type"] = "integer"
    first.append({})
    second = tools.definitions()
    assert "lookup" == second[0]["function"]["name"]
    assert {"type": "string"} == second[0]["function"]["parameters"]["properties"]["key"]
    assert 1 == len(second)


@pytest.mark.parametrize("name", ["a", "A-b_9", "x" * 64])
def test_valid_names(name: str) -> None:
    """Names of 1 to 64 letters, digits, underscores and dashes are accepted."""
    tools = ToolRegistry()
    tools.function(name=name)(lambda: None)
    assert (name,) == tools.names


@pytest.mark.parametrize("name", ["", "has space", "x" * 65, "dot.ted", "new\n", "café", "a/b"])
def test_invalid_names(name: str) -> None:
    """Any other name is a ConfigurationError, and nothing is registered."""
    tools = ToolRegistry()
    with pytest.raises(ConfigurationError, match="1 to 64"):
        tools.function(name=name)(lambda: None)
    assert 0 == len(tools)


def test_lambda_needs_a_name() -> None:
    """A lambda's __name__ is not a valid name: the message says to pass name=."""
    with pytest.raises(ConfigurationError, match="name="):
        ToolRegistry().function(lambda: None)


def test_duplicate_name() -> None:
    """A second function under a taken name is refused; the first stays registered."""
    tools = ToolRegistry()

    def first() -> str:
        return "first"

    tools.function(name="f")(first)
    with pytest.raises(ConfigurationError, match="registered already"):
        tools.function(name="f")(lambda: "second")
    assert ("f",) == tools.names


def test_schema_errors_at_registration() -> None:
    """A signature no schema can describe fails when registered, and is not registered."""
    tools = ToolRegistry()

    def loose(**options: int) -> None:
        pass

    with pytest.raises(ConfigurationError, match="'options'"):
        tools.function(loose)
    assert 0 == len(tools)


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": 0},
        {"timeout": -1.0},
        {"timeout": float("nan")},
        {"timeout": "1"},
        {"timeout": True},
        {"max_rounds": 0},
        {"max_rounds": 1.5},
        {"max_rounds": True},
    ],
    ids=str,
)
def test_invalid_settings(options: dict[str, Any]) -> None:
    """A timeout that is not positive (or None), or max_rounds below 1, is refused."""
    with pytest.raises(ConfigurationError):
        ToolRegistry(**options)


def test_settings_are_read_only_properties() -> None:
    """timeout, max_rounds and raise_errors read back, have defaults, and cannot be set."""
    tools = ToolRegistry(timeout=None, max_rounds=3, raise_errors=True)
    defaults = ToolRegistry()
    assert (None, 3, True) == (tools.timeout, tools.max_rounds, tools.raise_errors)
    assert (60.0, 10, False) == (defaults.timeout, defaults.max_rounds, defaults.raise_errors)
    with pytest.raises(AttributeError):
        tools.timeout = 1.0  # type: ignore[misc]


def test_repr() -> None:
    """The repr shows the names and the settings."""
    tools = ToolRegistry(timeout=2.0)
    tools.function(name="a")(lambda: None)
    expected = "ToolRegistry(names=('a',), timeout=2.0, max_rounds=10, raise_errors=False)"
    assert expected == repr(tools)


# -- conversion ----------------------------------------------------------------------------


async def test_arguments_converted_to_annotated_types() -> None:
    """Attrs classes, dataclasses, TypedDict, Enum, Literal and tuples arrive converted."""
    tools = ToolRegistry()
    received: dict[str, Any] = {}

    @tools.function(strict=False)
    def take(
        point: Point,
        box: Box,
        movie: Movie,
        color: Color,
        level: Level,
        unit: Literal["c", "f"],
        pair: tuple[int, str],
        many: tuple[int, ...],
        table: dict[str, Point],
    ) -> str:
        received.update(point=point, box=box, movie=movie, color=color, level=level, unit=unit)
        received.update(pair=pair, many=many, table=table)
        return "ok"

    arguments = {
        "point": {"x": 1},
        "box": {"corner": {"x": 2, "y": 3}, "label": "b"},
        "movie": {"title": "Alien"},
        "color": "green",
        "level": 2,
        "unit": "f",
        "pair": [1, "one"],
        "many": [1, 2.0],
        "table": {"a": {"x": 4}},
    }
    [output] = await tools.answer([call("take", arguments)])
    expected = {
        "point": Point(1, 0),
        "box": Box(Point(2, 3), "b"),
        "movie": {"title": "Alien"},
        "color": Color.GREEN,
        "level": Level.HIGH,
        "unit": "f",
        "pair": (1, "one"),
        "many": (1, 2),
        "table": {"a": Point(4, 0)},
    }
    assert ("ok", None) == (output.output, output.error)
    assert expected == received
    assert [int, int] == [type(item) for item in received["many"]]


async def test_null_means_the_default() -> None:
    """A null (as strict mode sends) leaves the default; for an Optional type it is None."""
    tools = ToolRegistry()
    received: dict[str, Any] = {}

    @tools.function
    def take(count: int = 5, limit: int | None = 7, box: Box | None = None) -> str:
        received.update(count=count, limit=limit, box=box)
        return "ok"

    await tools.answer(
        [
            call(
                "take",
                {
                    "count": None,
                    "limit": None,
                    "box": {"corner": {"x": 1, "y": None}, "label": None},
                },
            )
        ]
    )
    assert {"count": 5, "limit": None, "box": Box(Point(1, 0), None)} == received
    await tools.answer([call("take", {})])
    assert {"count": 5, "limit": 7, "box": None} == received


# -- outputs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain text, not JSON", "plain text, not JSON"),
        ('{"already": "json"}', '{"already": "json"}'),
        ({"a": [1, 2]}, '{"a":[1,2]}'),
        ([1, "two"], '[1,"two"]'),
        (3, "3"),
        (None, "null"),
        (True, "true"),
        (Point(1, 2), '{"x":1,"y":2}'),
        (Box(Point(1)), '{"corner":{"x":1,"y":0},"label":null}'),
        (Color.RED, '"red"'),
        ({1: "one"}, '{"1":"one"}'),
    ],
    ids=lambda v: type(v).__name__,
)
async def test_outputs(value: Any, expected: str) -> None:
    """A str is submitted as it is; anything else as JSON."""
    tools = ToolRegistry()
    tools.function(name="give")(lambda: value)
    assert (expected, None) == ((o := (await tools.answer([call("give")]))[0]).output, o.error)


async def test_outputs_in_call_order() -> None:
    """Outputs follow the calls' order, not the order in which they finished."""
    tools = ToolRegistry()

    @tools.function
    async def wait(seconds: float, label: str) -> str:
        await asyncio.sleep(seconds)
        return label

    calls = [
        call("wait", {"seconds": 0.05 * (3 - i), "label": str(i)}, id=f"c{i}") for i in range(3)
    ]
    outputs = await tools.answer(calls)
    assert [("c0", "0"), ("c1", "1"), ("c2", "2")] == [(o.call.id, o.output) for o in outputs]


async def test_no_calls() -> None:
    """No calls, no outputs."""
    assert () == await ToolRegistry().answer([])


# -- failures ------------------------------------------------------------------------------


def bad_call(name: str) -> RequiredToolCall:
    """A call whose arguments were not JSON, as _required reports it."""
    return RequiredToolCall("call_1", name, "{oops", None, "the arguments are not JSON: oops")


def registry_with_failures(timeout: float = 0.5) -> ToolRegistry:
    # Long enough for a sync function's thread to start on a loaded machine.
    """A registry whose functions fail in each way."""
    tools = ToolRegistry(timeout=timeout)

    @tools.function
    def explode(city: str) -> str:
        raise ValueError(f"no weather in {city}")

    @tools.function
    async def hang() -> str:
        await asyncio.sleep(PATIENCE)
        return "late"

    @tools.function
    def unencodable() -> object:
        return object()

    return tools


#: (the call, its error text, the type of ToolOutput.error).
FAILURES = [
    pytest.param(
        call("explode", {"city": "Oz"}),
        "explode raised ValueError: no weather in Oz",
        ValueError,
        id="raised",
    ),
    pytest.param(
        call("hang"), "hang did not finish within 0.5 seconds", ToolCallError, id="timeout"
    ),
    pytest.param(
        call("nope"),
        "no function is named 'nope'; the functions are: explode, hang, unencodable",
        ToolCallError,
        id="unknown",
    ),
    pytest.param(
        call(""),
        "the call names no function; the functions are: explode, hang, unencodable",
        ToolCallError,
        id="no-name",
    ),
    pytest.param(
        bad_call("explode"), "the arguments are not JSON: oops", ToolCallError, id="not-json"
    ),
    pytest.param(
        RequiredToolCall("call_1", "explode", "[]", None),
        "the arguments are not a JSON object",
        ToolCallError,
        id="not-an-object",
    ),
    pytest.param(call("explode"), "missing required argument 'city'", ToolCallError, id="missing"),
    pytest.param(
        call("explode", {"city": "Oz", "when": "now"}),
        "unexpected argument 'when' (the parameters are: city)",
        ToolCallError,
        id="unexpected",
    ),
    pytest.param(
        call("explode", {"city": 3}),
        "invalid argument 'city': expected a string, got an integer @ city",
        ToolCallError,
        id="wrong-type",
    ),
    pytest.param(
        call("unencodable"),
        "unencodable returned a value of type object, which has no JSON form: Type is not JSON "
        "serializable: object",
        ToolCallError,
        id="unencodable",
    ),
]


@pytest.mark.parametrize(("pending", "reason", "kind"), FAILURES)
async def test_failure_becomes_an_error_output(
    pending: RequiredToolCall, reason: str, kind: type[Exception], caplog: pytest.LogCaptureFixture
) -> None:
    """A failure is the output {"error": ...}, the exception on .error, and a warning."""
    caplog.set_level(logging.WARNING, logger="assistant_stream")
    [output] = await registry_with_failures().answer([pending])
    assert (pending, reason, kind) == (output.call, error_of(output), type(output.error))
    [record] = [r for r in caplog.records if r.name == "assistant_stream"]
    assert logging.WARNING == record.levelno
    assert f"tool call call_1 ({pending.name or 'no name'}) failed: {reason}" == record.getMessage()
    assert record.exc_info is not None
    assert output.error is record.exc_info[1]


async def test_conversion_problems_name_the_path() -> None:
    """Every problem is reported at once, each with its path inside the argument."""
    tools = ToolRegistry()

    @tools.function
    def place(box: Box, color: Color) -> str:
        return "ok"

    [output] = await tools.answer(
        [call("place", {"box": {"corner": {"x": "1", "z": 0}}, "color": "blue"})]
    )
    expected = (
        "invalid argument 'box': expected an integer, got a string @ box.corner.x; extra fields "
        'found (z) @ box.corner; invalid argument \'color\': expected one of "red", "green" @ color'
    )
    assert expected == error_of(output)


async def test_timeout_error_has_timeout_as_cause() -> None:
    """A timed-out call's ToolCallError carries the TimeoutError as __cause__."""
    [output] = await registry_with_failures().answer([call("hang")])
    assert isinstance(output.error, ToolCallError)
    assert isinstance(output.error.__cause__, TimeoutError)


async def test_functions_own_timeout_error_is_its_own() -> None:
    """A TimeoutError the function raises itself is reported as a raise, not a timeout."""
    tools = ToolRegistry(timeout=PATIENCE)

    @tools.function
    async def fetch() -> str:
        raise TimeoutError("upstream")

    [output] = await tools.answer([call("fetch")])
    assert ("fetch raised TimeoutError: upstream", TimeoutError) == (
        error_of(output),
        type(output.error),
    )


async def test_sync_timeout_returns_while_the_thread_runs_on() -> None:
    """A sync function past its timeout is answered at once; its thread keeps running."""
    tools = ToolRegistry(timeout=0.5)  # room for the thread to start on a loaded machine
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    @tools.function
    def block() -> str:
        started.set()
        release.wait(PATIENCE)
        finished.set()
        return "late"

    try:
        begun = time.monotonic()
        [output] = await tools.answer([call("block")])
        elapsed = time.monotonic() - begun
        assert "block did not finish within 0.5 seconds" == error_of(output)
        assert elapsed < 2.0
        assert (True, False) == (started.is_set(), finished.is_set())
    finally:
        release.set()
    assert await asyncio.to_thread(finished.wait, PATIENCE)


# -- raise_errors --------------------------------------------------------------------------


async def test_raise_errors_raises_the_functions_exception_and_cancels_the_rest() -> None:
    """The function's own exception is raised as it is, after the other calls are cancelled."""
    tools = ToolRegistry(raise_errors=True)
    problem = ValueError("broken")
    seen: list[str] = []

    @tools.function
    async def fail() -> str:
        await asyncio.sleep(0.01)
        raise problem

    @tools.function
    async def wait() -> str:
        try:
            await asyncio.sleep(PATIENCE)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise
        return "done"

    before = asyncio.all_tasks()
    with pytest.raises(ValueError, match="broken") as caught:
        await asyncio.wait_for(
            tools.answer([call("wait", id="c1"), call("fail", id="c2")]), PATIENCE
        )
    assert caught.value is problem
    assert ["cancelled"] == seen
    assert before == asyncio.all_tasks()


async def test_raise_errors_raises_tool_call_error_for_an_unknown_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unknown name raises ToolCallError naming the call, instead of an output."""
    tools = ToolRegistry(raise_errors=True)
    tools.function(name="known")(lambda: "ok")
    with pytest.raises(ToolCallError) as caught:
        await tools.answer([call("known", id="c1"), call("other", id="c2")])
    assert ("c2", "other") == (caught.value.call_id, caught.value.name)
    assert "the functions are: known" in caught.value.reason


async def test_raise_errors_timeout_keeps_its_cause() -> None:
    """With raise_errors, a timeout raises ToolCallError whose __cause__ is the TimeoutError."""
    tools = ToolRegistry(timeout=0.05, raise_errors=True)

    @tools.function
    async def hang() -> str:
        await asyncio.sleep(PATIENCE)
        return "late"

    with pytest.raises(ToolCallError) as caught:
        await tools.answer([call("hang")])
    assert isinstance(caught.value.__cause__, TimeoutError)


# -- concurrency and cancellation ----------------------------------------------------------


async def test_async_and_sync_functions_run_at_the_same_time() -> None:
    """Each function waits for the other to start: run one after the other, both time out."""
    tools = ToolRegistry(timeout=PATIENCE)
    loop = asyncio.get_running_loop()
    sync_started = asyncio.Event()
    async_started = threading.Event()

    @tools.function
    async def on_loop() -> str:
        async_started.set()
        await sync_started.wait()
        return "async saw sync"

    @tools.function
    def in_thread() -> str:
        loop.call_soon_threadsafe(sync_started.set)
        return "sync saw async" if async_started.wait(PATIENCE) else "sync waited in vain"

    outputs = await tools.answer([call("in_thread", id="c1"), call("on_loop", id="c2")])
    assert ["sync saw async", "async saw sync"] == [o.output for o in outputs]


async def test_the_loop_never_blocks() -> None:
    """Two 0.3 s functions (one sync) take well under 0.6 s; the loop keeps ticking meanwhile."""
    tools = ToolRegistry()
    ticks = 0

    @tools.function
    async def nap() -> str:
        await asyncio.sleep(0.3)
        return "napped"

    @tools.function
    def sleep() -> str:
        time.sleep(0.3)
        return "slept"

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    await asyncio.to_thread(lambda: None)  # the loop's executor starts its first thread now
    ticking = asyncio.create_task(ticker())
    try:
        begun = time.monotonic()
        outputs = await tools.answer([call("nap", id="c1"), call("sleep", id="c2")])
        elapsed = time.monotonic() - begun
    finally:
        ticking.cancel()
    assert ["napped", "slept"] == [o.output for o in outputs]
    assert elapsed < 0.5  # one after the other would take 0.6 s (a loaded machine: ~0.35)
    assert ticks >= 10


async def test_cancelling_answer_leaves_no_task_behind() -> None:
    """Cancelled while tools run, answer cancels and awaits every task it started."""
    tools = ToolRegistry(timeout=PATIENCE)
    running, release = asyncio.Event(), threading.Event()
    seen: list[str] = []

    @tools.function
    async def forever() -> str:
        running.set()
        try:
            await asyncio.sleep(PATIENCE)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise
        return "done"

    @tools.function
    def blocking() -> str:
        release.wait(PATIENCE)
        return "released"

    before = asyncio.all_tasks()
    answering = asyncio.create_task(
        tools.answer([call("forever", id="c1"), call("blocking", id="c2")])
    )
    try:
        await asyncio.wait_for(running.wait(), PATIENCE)
        answering.cancel()
        with pytest.raises(asyncio.CancelledError):
            await answering
    finally:
        release.set()
    assert ["cancelled"] == seen
    assert before == asyncio.all_tasks()
