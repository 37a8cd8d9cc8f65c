"""Approving MCP tool calls (Azure AI Agents' ``submit_tool_approval``) by a policy.

A ``ToolRegistry(approve=policy)`` answers an approval action by itself: ``policy(call)``
is called for each ``RequiredToolCall`` the action lists (``type="mcp"``, its ``name``,
``server_label`` and ``parsed`` arguments), and returns ``True`` (approve), ``False``
(refuse), or ``(True, headers)``: approve, sending ``headers`` to the MCP server (an
``Authorization`` for it, say). The policy may be a plain function or ``async def``.

Rule 1 - headers are secrets. A ``ToolApproval``'s ``repr`` masks their values, the stream
masks them in every error it raises and in what ``record_to=`` writes, and nothing here
logs them.

Rule 2 - a policy that raises, or returns something else, refuses that call: the failure is
logged at WARNING (with the call's name, never its headers) and reported to
``on_tool_error``; with ``raise_errors=True`` the stream fails with it instead. The other
calls are decided as usual.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeAlias

import attrs

from ._required import RequiredToolCall
from .errors import ToolCallError

__all__ = ["ApprovalPolicy", "ToolApproval", "decide"]

logger = logging.getLogger("assistant_stream")

#: What a policy returns: approve, refuse, or approve with headers for the MCP server.
Decision: TypeAlias = bool | tuple[bool, Mapping[str, str]]
#: ``ToolRegistry(approve=...)``: a function of the call, sync or async.
ApprovalPolicy: TypeAlias = Callable[[RequiredToolCall], Decision | Awaitable[Decision]]


def _masked(headers: Mapping[str, str]) -> str:
    return repr(dict.fromkeys(headers, "***"))


def _frozen(headers: Mapping[str, str]) -> Mapping[str, str]:
    return dict(headers)


@attrs.frozen
class ToolApproval:
    """The answer to one MCP call awaiting approval, as it will be submitted.

    Attributes:
        call: the call it answers.
        approve: whether the call may run.
        headers: sent to the MCP server with the call (values masked in the ``repr``).
        error: why the policy could not decide (the call is then refused), or ``None``.
    """

    call: RequiredToolCall
    approve: bool
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, repr=_masked)
    error: BaseException | None = None

    def body(self) -> dict[str, Any]:
        """The entry of ``tool_approvals`` in the submit request."""
        entry: dict[str, Any] = {"tool_call_id": self.call.id, "approve": self.approve}
        if self.headers:
            entry["headers"] = dict(self.headers)
        return entry


def _decision(call: RequiredToolCall, value: Any) -> ToolApproval:
    if isinstance(value, bool):
        return ToolApproval(call, value)
    if (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], bool)
        and isinstance(value[1], Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value[1].items())
    ):
        return ToolApproval(call, value[0], value[1])
    raise ToolCallError(
        call.id,
        call.name,
        f"the approval policy returned a {type(value).__name__}; return True, False or "
        "(True, {header: value})",
    )


async def decide(
    policy: ApprovalPolicy, calls: Sequence[RequiredToolCall], *, raise_errors: bool
) -> tuple[ToolApproval, ...]:
    """Ask ``policy`` about each call, in order (rule 2).

    Raises:
        Exception: with ``raise_errors``, what the policy raised, or a ``ToolCallError``
            for a value it should not have returned.
    """
    decided = []
    for call in calls:
        try:
            value = policy(call)
            if inspect.isawaitable(value):
                value = await value
            decided.append(_decision(call, value))
        except Exception as exc:
            if raise_errors:
                raise
            logger.warning(
                "the approval policy failed for %s on %s; the call is refused: %s",
                call.name,
                call.server_label,
                type(exc).__name__,
            )
            decided.append(ToolApproval(call, False, error=exc))
    return tuple(decided)
