"""What a run waiting at ``requires_action`` asks for, and what answers it, as frozen values.

Rule 1 - a pending call is read, never trusted. ``required_tool_calls(run)`` lists the
function calls of a ``submit_tool_outputs`` action, or the MCP calls of Azure's
``submit_tool_approval`` action, each with its raw ``arguments`` text and the parsed value.
Arguments that are not a JSON object are reported on that call (``RequiredToolCall.error``),
never raised: one bad call must not stop the others.

Rule 2 - an answer is checked before it is sent. ``tool_outputs_body`` accepts a list of
``{"tool_call_id": ..., "output": ...}`` or a mapping ``{tool_call_id: output}``;
``tool_approvals_body`` a list of ``{"tool_call_id": ..., "approve": ...}``. Anything
else, an id given twice, or an output that is not a string is a ``ConfigurationError``
naming the entry, before anything is sent.

No I/O here: the stream and the tool registry build on these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import orjson

from .errors import ConfigurationError
from .types.run import (
    RequiredActionFunctionToolCall,
    RequiredActionMcpToolCall,
    RequiredActionType,
    Run,
    RunStatus,
)

__all__ = [
    "RequiredToolCall",
    "ToolOutput",
    "required_tool_calls",
    "tool_approvals_body",
    "tool_outputs_body",
]


@attrs.frozen
class RequiredToolCall:
    """A call the run waits for (see ``AssistantStream.required_tool_calls``).

    Attributes:
        id: answer it with ``{"tool_call_id": id, "output": ...}`` (a function call) or
            ``{"tool_call_id": id, "approve": ...}`` (an MCP call awaiting approval).
        name: the function's or the MCP tool's name (``""`` if the server sent none).
        arguments: the arguments as sent, JSON text.
        parsed: the arguments parsed: a ``dict`` when they are a JSON object, else ``None``.
        error: why ``arguments`` could not be used (not JSON, or not an object), or ``None``.
        type: ``"function"`` (the run waits for its output) or ``"mcp"`` (for its approval).
        server_label: the MCP server the call goes to; ``None`` for a function call.
    """

    id: str
    name: str
    arguments: str
    parsed: dict[str, Any] | None
    error: str | None = None
    type: str = "function"
    server_label: str | None = None

    @property
    def needs_approval(self) -> bool:
        """Whether the run waits for an approval of this call, not for its output."""
        return self.type != "function"


@attrs.frozen
class ToolOutput:
    """The answer to one ``RequiredToolCall``, as it will be submitted.

    Attributes:
        call: the call it answers.
        output: the text submitted as the call's output.
        error: the exception the output reports (the function raised or timed out, the name
            is unknown, the arguments do not fit), or ``None`` when the call succeeded.
    """

    call: RequiredToolCall
    output: str
    error: BaseException | None = None


def required_tool_calls(run: Run | None) -> tuple[RequiredToolCall, ...]:
    """The calls ``run`` waits for; empty unless it is at ``requires_action``.

    The function calls of a ``submit_tool_outputs`` action, or the MCP calls of a
    ``submit_tool_approval`` action (Azure AI Agents). Calls of kinds this version does not
    know are left out (it cannot tell what answers them).
    """
    if run is None or run.status != RunStatus.REQUIRES_ACTION:
        return ()
    action = run.required_action
    if action is None:
        return ()
    if action.type == RequiredActionType.SUBMIT_TOOL_APPROVAL or (
        action.submit_tool_outputs is None and action.submit_tool_approval is not None
    ):
        approval = action.submit_tool_approval
        calls = approval.tool_calls if approval is not None else ()
        return tuple(
            _required(call.id, call.name, call.arguments, "mcp", call.server_label)
            for call in calls
            if type(call) is RequiredActionMcpToolCall
        )
    if action.submit_tool_outputs is None:
        return ()
    return tuple(
        _required(call.id, call.function.name, call.function.arguments)
        if call.function is not None
        else _required(call.id, None, None)
        for call in action.submit_tool_outputs.tool_calls
        if type(call) is RequiredActionFunctionToolCall
    )


def _required(
    call_id: str,
    name: str | None,
    arguments: str | None,
    kind: str = "function",
    server_label: str | None = None,
) -> RequiredToolCall:
    name, arguments = name or "", arguments or ""
    error: str | None = None
    try:
        parsed = orjson.loads(arguments) if arguments else {}
    except orjson.JSONDecodeError as exc:
        parsed, error = None, f"the arguments are not JSON: {exc}"
    if error is None and not isinstance(parsed, dict):
        error = f"the arguments are a JSON {type(parsed).__name__}, not an object"
        parsed = None
    return RequiredToolCall(call_id, name, arguments, parsed, error, kind, server_label)


def tool_outputs_body(
    outputs: Iterable[Mapping[str, Any] | ToolOutput] | Mapping[str, str],
) -> list[dict[str, str]]:
    """The ``tool_outputs`` of a submit request (rule 2).

    Raises:
        ConfigurationError: an entry that is not an output, an id given twice, or an output
            that is not a ``str``.
    """
    if isinstance(outputs, Mapping):
        pairs: Iterable[tuple[object, object]] = outputs.items()
    else:
        pairs = (_output_pair(position, entry) for position, entry in enumerate(outputs))
    body: list[dict[str, str]] = []
    seen: set[str] = set()
    for call_id, output in pairs:
        if not isinstance(call_id, str) or not call_id:
            raise ConfigurationError(f"a tool_call_id must be a non-empty str, not {call_id!r}")
        if not isinstance(output, str):
            raise ConfigurationError(
                f"the output for {call_id} must be a str, not {type(output).__name__} "
                "(encode other values, as JSON for example)"
            )
        if call_id in seen:
            raise ConfigurationError(f"two outputs for {call_id}; submit one per tool call")
        seen.add(call_id)
        body.append({"tool_call_id": call_id, "output": output})
    return body


def _output_pair(position: int, entry: Mapping[str, Any] | ToolOutput) -> tuple[object, object]:
    if isinstance(entry, ToolOutput):
        return entry.call.id, entry.output
    if not isinstance(entry, Mapping) or "tool_call_id" not in entry or "output" not in entry:
        raise ConfigurationError(
            f"tool output {position} must be a mapping with 'tool_call_id' and 'output', "
            f"not {type(entry).__name__}"
        )
    return entry["tool_call_id"], entry["output"]


def tool_approvals_body(approvals: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``tool_approvals`` of a submit request (Azure's ``submit_tool_approval``).

    Each entry is ``{"tool_call_id": ..., "approve": bool}``, optionally with ``headers``
    for the MCP server; other keys are sent as given.

    Raises:
        ConfigurationError: an entry without a ``tool_call_id`` or a boolean ``approve``.
    """
    body: list[dict[str, Any]] = []
    for position, entry in enumerate(approvals):
        if (
            not isinstance(entry, Mapping)
            or not isinstance(entry.get("tool_call_id"), str)
            or not isinstance(entry.get("approve"), bool)
        ):
            raise ConfigurationError(
                f"tool approval {position} must be a mapping with a str 'tool_call_id' and a "
                "bool 'approve'"
            )
        body.append(dict(entry))
    return body
