"""What each endpoint of the embedded server accepts in its JSON body, as one table.

Rule - a body is checked whole before anything changes: a field the endpoint does not take,
a required one missing, or one of the wrong JSON type is a 400 naming the field (with the
service's wording, from ``_refusals``), and nothing is created. Fields are the OpenAPI
spec's request fields (``../shared/spec/openai-openapi.yaml``); values inside them are the
server's business, not this table's. The ``azure_`` entries are the Azure flavour's
(``_azure``): a run's ``tool_resources``, and a submit's ``tool_approvals``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from . import _refusals

__all__ = ["BODIES", "check", "check_approvals", "check_message", "check_outputs"]

_STR = ((str,), "a string")
_NUM = ((int, float), "a decimal")
_INT = ((int,), "an integer")
_BOOL = ((bool,), "a boolean")
_OBJ = ((dict,), "an object")
_LIST = ((list,), "an array")
_STR_OR_LIST = ((str, list), "a string or an array")
_STR_OR_OBJ = ((str, dict), "a string or an object")

_SAMPLING: Final = {
    "model": _STR,
    "instructions": _STR,
    "tools": _LIST,
    "metadata": _OBJ,
    "temperature": _NUM,
    "top_p": _NUM,
    "response_format": _STR_OR_OBJ,
}
_CREATE_RUN: Final = {"additional_instructions": _STR, "additional_messages": _LIST}
_RUN: Final = {
    **_SAMPLING,
    "assistant_id": _STR,
    "stream": _BOOL,
    "max_prompt_tokens": _INT,
    "max_completion_tokens": _INT,
    "truncation_strategy": _OBJ,
    "tool_choice": _STR_OR_OBJ,
    "parallel_tool_calls": _BOOL,
    "reasoning_effort": _STR,
}

_ASSISTANT: Final = {
    **_SAMPLING,
    "name": _STR,
    "description": _STR,
    "tool_resources": _OBJ,
    "reasoning_effort": _STR,
}

#: Each endpoint: its fields (name -> accepted Python types and how the error names them),
#: and the ones it requires. A field may always be ``null`` unless it is required.
BODIES: Final[Mapping[str, tuple[Mapping[str, tuple[tuple[type, ...], str]], frozenset[str]]]] = {
    "create_assistant": (_ASSISTANT, frozenset({"model"})),
    "modify_assistant": (_ASSISTANT, frozenset()),
    "create_thread": (
        {"messages": _LIST, "tool_resources": _OBJ, "metadata": _OBJ},
        frozenset(),
    ),
    "modify_thread": ({"tool_resources": _OBJ, "metadata": _OBJ}, frozenset()),
    "create_message": (
        {"role": _STR, "content": _STR_OR_LIST, "attachments": _LIST, "metadata": _OBJ},
        frozenset({"role", "content"}),
    ),
    "create_run": ({**_RUN, **_CREATE_RUN}, frozenset({"assistant_id"})),
    "azure_create_run": (
        {**_RUN, **_CREATE_RUN, "tool_resources": _OBJ},
        frozenset({"assistant_id"}),
    ),
    "create_thread_and_run": (
        {**_RUN, "thread": _OBJ, "tool_resources": _OBJ},
        frozenset({"assistant_id"}),
    ),
    "submit_tool_outputs": (
        {"tool_outputs": _LIST, "stream": _BOOL},
        frozenset({"tool_outputs"}),
    ),
    "azure_submit_tool_outputs": (  # one of the two lists: the route checks which
        {"tool_outputs": _LIST, "tool_approvals": _LIST, "stream": _BOOL},
        frozenset(),
    ),
    "modify": ({"metadata": _OBJ}, frozenset()),  # a message's or a run's
}


def check(endpoint: str, body: Any) -> dict[str, Any]:
    """The body, if the endpoint takes it; ``None`` fields left out.

    Raises:
        ApiError: 400 naming the first field that is unknown, missing or of the wrong type.
    """
    if not isinstance(body, dict):
        raise _refusals.no_body()
    fields, required = BODIES[endpoint]
    for name in body:
        if name not in fields:
            raise _refusals.unknown_argument(name)
    for name in sorted(required):
        if body.get(name) is None:
            raise _refusals.missing(name)
    for name, value in body.items():
        kinds, expected = fields[name]
        if value is None:
            continue
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise _refusals.bad_type(name, expected, value)
    return {name: value for name, value in body.items() if value is not None}


def check_message(param: str, message: Any) -> dict[str, Any]:
    """One message given inside another body (``thread.messages[i]``, ...)."""
    if not isinstance(message, dict):
        raise _refusals.bad_type(param, "an object", message)
    try:
        checked = check("create_message", message)
    except _refusals.ApiError as error:
        inner = error.body["error"]
        inner["param"] = f"{param}.{inner['param']}" if inner["param"] else param
        raise
    if checked["role"] not in {"user", "assistant"}:
        raise _refusals.bad_value(f"{param}.role", "expected 'user' or 'assistant'.")
    return checked


#: The ``type`` of a function's output, which Azure's structured tool outputs carry.
FUNCTION_OUTPUT: Final = "function_call_output"


def check_outputs(outputs: list[Any], *, azure: bool = False) -> list[dict[str, str]]:
    """``tool_outputs``: each ``{"tool_call_id": str, "output": str}``.

    On Azure an output may say its ``type``, ``"function_call_output"`` (azure-ai-agents'
    ``ToolOutput`` does).
    """
    checked = []
    allowed = {"tool_call_id", "output", *(["type"] if azure else [])}
    for index, output in enumerate(outputs):
        param = f"tool_outputs[{index}]"
        if not isinstance(output, dict):
            raise _refusals.bad_type(param, "an object", output)
        for name in output:
            if name not in allowed:
                raise _refusals.unknown_argument(f"{param}.{name}")
        if output.get("type", FUNCTION_OUTPUT) != FUNCTION_OUTPUT:
            raise _refusals.bad_value(f"{param}.type", f"expected '{FUNCTION_OUTPUT}'.")
        call_id = output.get("tool_call_id")
        if not isinstance(call_id, str):
            raise _refusals.missing(f"{param}.tool_call_id")
        text = output.get("output", "")
        if not isinstance(text, str):
            raise _refusals.bad_type(f"{param}.output", "a string", text)
        checked.append({"tool_call_id": call_id, "output": text})
    return checked


def check_approvals(approvals: list[Any]) -> list[dict[str, Any]]:
    """``tool_approvals``: each ``{"tool_call_id": str, "approve": bool}``, ``headers`` allowed.

    ``headers`` (an object of strings) go to the MCP server; they are secrets, and a
    ``Received``'s ``repr`` masks them.
    """
    checked = []
    for index, approval in enumerate(approvals):
        param = f"tool_approvals[{index}]"
        if not isinstance(approval, dict):
            raise _refusals.bad_type(param, "an object", approval)
        for name in approval:
            if name not in {"tool_call_id", "approve", "headers"}:
                raise _refusals.unknown_argument(f"{param}.{name}")
        call_id = approval.get("tool_call_id")
        if not isinstance(call_id, str):
            raise _refusals.missing(f"{param}.tool_call_id")
        approve = approval.get("approve")
        if approve is None:
            raise _refusals.missing(f"{param}.approve")
        if not isinstance(approve, bool):
            raise _refusals.bad_type(f"{param}.approve", "a boolean", approve)
        headers = approval.get("headers") or {}
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise _refusals.bad_type(f"{param}.headers", "an object of strings", headers)
        checked.append({"tool_call_id": call_id, "approve": approve, "headers": headers})
    return checked
