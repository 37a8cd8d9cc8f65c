"""``ToolRegistry``: the functions a run may call, their definitions, and the answers to calls.

Rule 1 - a function is checked when it is registered. Its name must match OpenAI's rule for
function names (``NAME_PATTERN``) and be new to the registry, and its parameters schema is
built then (``_schema``), so a signature no schema can describe is a ``ConfigurationError``
at import time, not when the model first calls it. The function is returned unchanged.

Rule 2 - every call is answered, all at once. ``answer(calls)`` starts one task per call:
an async function runs on the event loop, a sync one in a worker thread
(``asyncio.to_thread``), so the loop never blocks; each has ``timeout`` seconds. The
outputs come back in call order. Arguments are converted to the annotated types
(``_arguments``) and passed by keyword; a ``str`` result is the output as it is, anything
else is sent as JSON.

Rule 3 - a failure is an output, never a crash and never a silence. The function raised or
timed out, the call names an unknown function, its arguments are not a JSON object or do not
fit the signature, its result has no JSON form: the call's output is then the JSON text
``{"error": "<what went wrong>"}`` (for a raise: the exception's class and message), which
the model can act on; ``ToolOutput.error`` holds the exception (the function's own, or a
``ToolCallError``, whose ``__cause__`` is the ``TimeoutError`` for a timeout), and a WARNING
with the traceback goes to the ``assistant_stream`` logger, naming the call id and the
function.

Rule 4 - with ``raise_errors=True`` a failure is raised instead, as it is for the
function's own exception and as a ``ToolCallError`` for the others, once the other calls'
tasks are cancelled and awaited.

Rule 5 - nothing is left behind. Whether ``answer`` returns, raises, or is cancelled, every
task it started has finished first (an ``asyncio.TaskGroup`` owns them). A sync function
cannot be stopped, though: after its timeout or a cancellation, its thread runs on until the
function returns (its result is dropped), and holds one of the loop's default executor
threads meanwhile. Make slow sync functions honour a deadline of their own, or write them
async.

Rule 6 - MCP calls awaiting approval (Azure AI Agents) are decided by the ``approve``
policy (``_approvals``), when there is one; without it they are the caller's to answer.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar, overload

import attrs
import orjson

from ._approvals import ApprovalPolicy, ToolApproval, decide
from ._arguments import ArgumentError, Binder, encode_result
from ._required import RequiredToolCall, ToolOutput
from ._schema import parameters_schema
from ._signature import read_docstring, signature_fields
from .errors import ConfigurationError, InvalidStateError, ToolCallError

__all__ = [
    "DEFAULT_MAX_ROUNDS",
    "DEFAULT_STRICT",
    "DEFAULT_TIMEOUT",
    "NAME_PATTERN",
    "ToolRegistry",
]

logger = logging.getLogger("assistant_stream")

_F = TypeVar("_F", bound=Callable[..., Any])

#: Seconds one call may take. Long enough for a slow web API or database query, short
#: enough that a hung function is reported to the model well before the run, waiting at
#: ``requires_action`` meanwhile, expires.
DEFAULT_TIMEOUT: Final = 60.0
#: Rounds of tool calls one stream answers before it stops with ``ToolLoopError``. Real
#: work chains a few rounds; a model stuck calling tools in a loop would spend tokens on
#: every round without end.
DEFAULT_MAX_ROUNDS: Final = 10
#: Functions are registered without strict mode unless told otherwise: every type hint the
#: schema knows (``tuple``, ``dict[str, T]`` and ``Any`` included) is then allowed, and
#: servers that do not know ``strict`` (compatible ones, older Azure API versions) are not
#: asked for it. ``strict=True`` opts in; the arguments are checked either way (rule 3).
DEFAULT_STRICT: Final = False
#: OpenAI's rule for a function's name: 1 to 64 letters, digits, underscores and dashes.
NAME_PATTERN: Final = re.compile(r"[a-zA-Z0-9_-]{1,64}")


@attrs.frozen
class _Tool:
    function: Callable[..., Any]
    definition: dict[str, Any]  # never handed out: definitions() gives copies
    binder: Binder
    is_async: bool


class ToolRegistry:
    """Functions a run may call, with their tool definitions; answers a run's calls.

    Args:
        timeout: seconds each call may take, or ``None`` for no limit (rule 5 says what
            becomes of a sync function that overruns it).
        max_rounds: how many rounds of tool calls one stream answers before it cancels the
            run and raises ``ToolLoopError``.
        raise_errors: raise a failed call's exception from ``answer`` instead of sending the
            model an error output (rule 4).
        approve: a policy that approves or refuses the MCP calls of Azure's
            ``submit_tool_approval`` actions (rule 6): called with each ``RequiredToolCall``,
            sync or async, it returns ``True``, ``False`` or ``(True, headers)``. Without
            it, a stream pauses at an approval for the caller to answer.

    Raises:
        ConfigurationError: ``timeout`` is not a positive number or ``None``,
            ``max_rounds`` is not an integer of at least 1, or ``approve`` is not callable.

    Example::

        tools = ToolRegistry()

        @tools.function
        async def get_weather(city: str, unit: Literal["C", "F"] = "C") -> dict[str, Any]:
            '''The current weather in a city (the model reads this line).'''
    """

    __slots__ = ("_approve", "_max_rounds", "_raise_errors", "_timeout", "_tools")

    def __init__(
        self,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rounds: int = DEFAULT_MAX_ROUNDS,
        raise_errors: bool = False,
        approve: ApprovalPolicy | None = None,
    ) -> None:
        if approve is not None and not callable(approve):
            raise ConfigurationError(f"approve must be a callable or None, not {approve!r}")
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0
        ):
            raise ConfigurationError(
                f"timeout must be a positive number of seconds or None, not {timeout!r}"
            )
        if isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 1:
            raise ConfigurationError(
                f"max_rounds must be an integer of at least 1, not {max_rounds!r}"
            )
        self._timeout = timeout
        self._max_rounds = max_rounds
        self._raise_errors = bool(raise_errors)
        self._approve = approve
        self._tools: dict[str, _Tool] = {}

    @property
    def timeout(self) -> float | None:
        """Seconds each call may take, or ``None`` for no limit."""
        return self._timeout

    @property
    def max_rounds(self) -> int:
        """How many rounds of tool calls one stream answers."""
        return self._max_rounds

    @property
    def raise_errors(self) -> bool:
        """Whether a failed call raises instead of becoming an error output."""
        return self._raise_errors

    @property
    def approves(self) -> bool:
        """Whether the registry decides MCP approvals (it was given ``approve``)."""
        return self._approve is not None

    async def approvals(self, calls: Sequence[RequiredToolCall]) -> tuple[ToolApproval, ...]:
        """Ask the ``approve`` policy about each MCP call, in order (rule 6).

        Raises:
            InvalidStateError: the registry has no ``approve`` policy.
            Exception: with ``raise_errors``, what the policy raised.
        """
        if self._approve is None:
            raise InvalidStateError("this ToolRegistry has no approve= policy")
        return await decide(self._approve, calls, raise_errors=self._raise_errors)

    @property
    def names(self) -> tuple[str, ...]:
        """The registered functions' names, in registration order."""
        return tuple(self._tools)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __len__(self) -> int:
        return len(self._tools)

    def __repr__(self) -> str:
        return (
            f"ToolRegistry(names={self.names!r}, timeout={self._timeout!r}, "
            f"max_rounds={self._max_rounds!r}, raise_errors={self._raise_errors!r})"
        )

    @overload
    def function(self, function: _F, /) -> _F: ...

    @overload
    def function(
        self, /, *, name: str | None = None, description: str | None = None, strict: bool = ...
    ) -> Callable[[_F], _F]: ...

    def function(
        self,
        function: _F | None = None,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
        strict: bool = DEFAULT_STRICT,
    ) -> _F | Callable[[_F], _F]:
        """Register a sync or async function, bare (``@tools.function``) or with options.

        Args:
            function: the function, when used bare.
            name: the name the model calls it by; the function's ``__name__`` by default.
            description: what it does, for the model; the docstring's first paragraph by
                default (omitted when there is none).
            strict: build a strict-mode schema (see ``_schema``), so the model's arguments
                always match it.

        Returns:
            The function itself, unchanged (or a decorator that registers and returns it).

        Raises:
            ConfigurationError: the name is invalid or taken, or a parameter cannot be
                described (rule 1).
        """
        if function is None:
            return lambda given: self._register(given, name, description, strict)
        return self._register(function, name, description, strict)

    def _register(
        self, function: _F, name: str | None, description: str | None, strict: bool
    ) -> _F:
        if not callable(function):
            raise ConfigurationError(f"cannot register {function!r}: it is not callable")
        if not isinstance(strict, bool):
            raise ConfigurationError(f"strict must be True or False, not {strict!r}")
        name = getattr(function, "__name__", "") if name is None else name
        if not isinstance(name, str) or NAME_PATTERN.fullmatch(name) is None:
            raise ConfigurationError(
                f"cannot register {function!r} as {name!r}: a function name is 1 to 64 "
                "letters, digits, underscores or dashes; pass name=... to choose one"
            )
        if name in self._tools:
            raise ConfigurationError(
                f"a function named {name!r} is registered already; pass name=... to register "
                "this one under another name"
            )
        schema = parameters_schema(function, strict=strict)  # first: it refuses recursive types
        summary = read_docstring(inspect.getdoc(function)).summary
        text = summary if description is None else description
        declared: dict[str, Any] = {"name": name}
        if text:
            declared["description"] = text
        declared.update(parameters=schema, strict=strict)
        binder = Binder.of(signature_fields(function))
        is_async = inspect.iscoroutinefunction(function)
        self._tools[name] = _Tool(
            function, {"type": "function", "function": declared}, binder, is_async
        )
        return function

    def definitions(self) -> list[dict[str, Any]]:
        """The tool definitions to send as a run's ``tools``, in registration order.

        Each is ``{"type": "function", "function": {"name", "description" (when there is
        one), "parameters", "strict"}}``: fresh dicts on every call, yours to change.
        """
        return [copy.deepcopy(tool.definition) for tool in self._tools.values()]

    async def answer(self, calls: Sequence[RequiredToolCall]) -> tuple[ToolOutput, ...]:
        """Run every call concurrently and return the outputs, in call order (rules 2 to 5).

        Args:
            calls: the run's pending calls (``AssistantStream.required_tool_calls``).

        Returns:
            One ``ToolOutput`` per call; a failed call's output reports the failure.

        Raises:
            ToolCallError: with ``raise_errors``, a call that could not be answered (unknown
                function, unusable arguments, a timeout, a result with no JSON form).
            Exception: with ``raise_errors``, a function's own exception, as it is.
        """
        tasks: list[asyncio.Task[ToolOutput]] = []
        error: BaseException | None = None
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._answer(call)) for call in calls]
        except BaseExceptionGroup as failures:  # only with raise_errors: _answer reports
            error = next(
                (t.exception() for t in tasks if t.done() and not t.cancelled() and t.exception()),
                failures.exceptions[0],
            )
        if error is not None:
            raise error  # outside the except block: its own __cause__ and __context__ stay
        return tuple(task.result() for task in tasks)

    async def _answer(self, call: RequiredToolCall) -> ToolOutput:
        try:
            tool = self._tool(call)
            arguments = _arguments(call, tool)
            value = await self._run(call, tool, arguments)
            try:
                output = encode_result(value)
            except Exception as exc:
                kind = type(value).__name__
                reason = (
                    f"{call.name} returned a value of type {kind}, which has no JSON form: {exc}"
                )
                raise ToolCallError(call.id, call.name, reason) from exc
        except Exception as exc:
            if self._raise_errors:
                raise
            return _failed(call, exc)
        return ToolOutput(call, output)

    def _tool(self, call: RequiredToolCall) -> _Tool:
        tool = self._tools.get(call.name)
        if tool is not None:
            return tool
        known = ", ".join(self._tools) or "none (the registry is empty)"
        named = f"no function is named {call.name!r}" if call.name else "the call names no function"
        raise ToolCallError(call.id, call.name, f"{named}; the functions are: {known}")

    async def _run(self, call: RequiredToolCall, tool: _Tool, arguments: dict[str, Any]) -> Any:
        deadline = asyncio.timeout(self._timeout)
        try:
            async with deadline:
                if tool.is_async:
                    value = await tool.function(**arguments)
                else:
                    value = await asyncio.to_thread(tool.function, **arguments)
                if inspect.isawaitable(value):  # a sync callable that returned a coroutine
                    value = await value
        except TimeoutError as exc:
            if not deadline.expired():
                raise  # the function's own TimeoutError
            reason = f"{call.name} did not finish within {self._timeout} seconds"
            raise ToolCallError(call.id, call.name, reason) from exc
        return value


def _arguments(call: RequiredToolCall, tool: _Tool) -> dict[str, Any]:
    if call.error is not None or call.parsed is None:
        reason = call.error or "the arguments are not a JSON object"
        raise ToolCallError(call.id, call.name, reason)
    try:
        return tool.binder.bind(call.parsed)
    except ArgumentError as exc:
        raise ToolCallError(call.id, call.name, str(exc)) from exc


def _failed(call: RequiredToolCall, error: Exception) -> ToolOutput:
    """The output that reports ``error`` to the model, logged (rule 3)."""
    if isinstance(error, ToolCallError):
        reason = error.reason
    else:
        said = f": {error}" if str(error) else ""
        reason = f"{call.name} raised {type(error).__name__}{said}"
    logger.warning(
        "tool call %s (%s) failed: %s", call.id, call.name or "no name", reason, exc_info=error
    )
    return ToolOutput(call, orjson.dumps({"error": reason}).decode(), error)
