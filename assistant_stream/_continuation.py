"""Continuing a run after ``requires_action``: one logical stream over several bodies.

A run that needs tool outputs stops at ``thread.run.requires_action`` and its body ends; the
answer (``POST .../submit_tool_outputs`` with ``stream: true``) starts a new body with the
rest of the run. ``Continuation`` is the part of an ``AssistantStream`` that chains them.

Rule 1 - an action is answered once. A submit is accepted only while the run's last event
is ``requires_action`` and that action has no answer yet; it opens the next body at once (so
a refused answer raises from the submit itself), and the stream reads that body when the
current one ends. A submit that fails leaves the action unanswered, to try again.

Rule 2 - at the end of a body, in order: read the next body if an answer was submitted;
else, with a registry and a ``submit_tool_outputs`` action, answer it (rule 3), and with a
registry that has an ``approve`` policy and a ``submit_tool_approval`` action, decide it;
else pause if the run waits for an answer; else the stream is over (``stream.py``).

Rule 3 - the registry's rounds are bounded. Each action the registry answers is a round.
The action after ``max_rounds`` rounds is not answered: the run is cancelled through the
API and the stream fails with ``ToolLoopError``. Each output is announced (``on_tool_error``
for a failure, then ``on_tool_output``) before the one request that submits them all; an
approval the policy could not decide goes to ``on_tool_error`` (it is refused).

Rule 4 - approval headers are secrets: each one submitted joins ``secrets``, which the stream
masks in every error it raises and in what it records.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ._notices import ON_TOOL_ERROR, ON_TOOL_OUTPUT
from ._required import (
    RequiredToolCall,
    required_tool_calls,
    tool_approvals_body,
    tool_outputs_body,
)
from .errors import AssistantStreamError, InvalidStateError, ToolLoopError

if TYPE_CHECKING:
    from ._body import Body
    from ._registry import ToolRegistry
    from .accumulate import FinalRun
    from .types.run import Run

__all__ = ["Continuation", "RunControl"]

logger = logging.getLogger("assistant_stream")

_REQUIRES_ACTION = "thread.run.requires_action"


class RunControl(Protocol):
    """What a stream needs of its client to continue a run (``AssistantClient`` has one)."""

    async def submit(
        self, thread_id: str, run_id: str, fields: Mapping[str, Any], options: Mapping[str, Any]
    ) -> Body:
        """Send ``POST .../runs/{run_id}/submit_tool_outputs`` streaming; open its body."""
        ...

    async def cancel(self, thread_id: str, run_id: str) -> None:
        """Ask the service to cancel the run (``POST .../runs/{run_id}/cancel``)."""
        ...


Call = Callable[..., Awaitable[None]]  # Dispatcher.call


class Continuation:
    """The answers of one stream's run, and the next body they opened.

    Args:
        control: how to submit and cancel, or ``None`` for a stream with no server (a
            replay): then submitting raises ``InvalidStateError``.
        registry: answers ``submit_tool_outputs`` actions by itself, or ``None``.

    Attributes:
        rounds: how many actions the registry answered.
        secrets: the header values of the approvals submitted (rule 4).
    """

    __slots__ = ("_answered", "_control", "_next", "_registry", "rounds", "secrets")

    def __init__(self, control: RunControl | None, registry: ToolRegistry | None) -> None:
        self._control = control
        self._registry = registry
        self._answered: Run | None = None  # the run event whose action has an answer
        self._next: Body | None = None  # opened by a submit, read when the body ends
        self.rounds = 0
        self.secrets: set[str] = set()  # approval header values sent (rule 4)

    def waiting(self, final: FinalRun) -> bool:
        """Whether the run waits at ``requires_action`` with no answer submitted."""
        return final.event == _REQUIRES_ACTION and final.run is not self._answered

    def pending(self, final: FinalRun) -> tuple[RequiredToolCall, ...]:
        """The calls of the current action, or none once answered (or not waiting)."""
        return required_tool_calls(final.run) if self.waiting(final) else ()

    def take(self) -> Body | None:
        """The body a submit opened, once: the stream reads it next (rule 2)."""
        body, self._next = self._next, None
        return body

    async def submit(
        self, final: FinalRun, fields: Mapping[str, Any], options: Mapping[str, Any]
    ) -> None:
        """Answer the current action with ``fields`` and open the next body (rule 1).

        Raises:
            InvalidStateError: the run is not waiting, its action was answered, or there is
                no server to answer.
            AssistantStreamError: the request failed; the action stays unanswered.
        """
        run, control = final.run, self._controlled()
        if run is None or not self.waiting(final):
            where = "has had its answer" if final.run is self._answered else "is not waiting"
            raise InvalidStateError(
                f"cannot submit: the run {where} for tool outputs (last run event: "
                f"{final.event or 'none'}); submit once, after thread.run.requires_action"
            )
        thread_id = _thread_of(run)
        for approval in fields.get("tool_approvals", ()):
            self.secrets.update(v for v in approval.get("headers", {}).values() if v)
        self._answered = run  # before the request: a second submit meanwhile is refused
        try:
            self._next = await control.submit(thread_id, run.id, fields, options)
        except BaseException:
            self._answered = None
            raise

    async def answer(self, final: FinalRun, call: Call, live: Callable[[], bool]) -> bool:
        """Let the registry answer the current action, if it can (rules 2 and 3).

        Args:
            final: the run as the stream last saw it.
            call: the dispatcher's ``call``, to announce each output.
            live: whether the stream still goes on: one closed while the functions ran
                (``aclose()`` from another task) announces and submits nothing.

        Returns:
            Whether an answer was submitted.

        Raises:
            ToolLoopError: ``max_rounds`` rounds were answered already; the run was
                cancelled.
        """
        registry, run = self._registry, final.run
        if registry is None or run is None or not self.waiting(final):
            return False
        calls = required_tool_calls(run)  # none for unknown kinds: the caller's to answer
        approving = bool(calls) and calls[0].needs_approval
        if not calls or (approving and not registry.approves):
            return False
        self._controlled()
        if self.rounds >= registry.max_rounds:
            raise ToolLoopError(self.rounds, run.id, cancelled=await self._cancel(run))
        if approving:
            return await self._approve(final, calls, call, live)
        outputs = await registry.answer(calls)
        for output in outputs:
            if not live():
                return False
            if isinstance(output.error, Exception):
                await call(ON_TOOL_ERROR, output.call, output.error)
            await call(ON_TOOL_OUTPUT, output.call, output.output)
        if not live():
            return False
        await self.submit(final, {"tool_outputs": tool_outputs_body(outputs)}, {})
        self.rounds += 1
        return True

    async def _approve(
        self,
        final: FinalRun,
        calls: tuple[RequiredToolCall, ...],
        call: Call,
        live: Callable[[], bool],
    ) -> bool:
        """Decide an approval action with the registry's policy and submit it (rule 3)."""
        assert self._registry is not None
        approvals = await self._registry.approvals(calls)
        for approval in approvals:
            if not live():
                return False
            if isinstance(approval.error, Exception):
                await call(ON_TOOL_ERROR, approval.call, approval.error)
        if not live():
            return False
        body = tool_approvals_body(approval.body() for approval in approvals)
        await self.submit(final, {"tool_approvals": body}, {})
        self.rounds += 1
        return True

    def _controlled(self) -> RunControl:
        if self._control is None:
            raise InvalidStateError(
                "this stream has no server to submit to (a replay, or a stream of your own "
                "bytes); open it with AssistantClient to continue a run"
            )
        return self._control

    async def _cancel(self, run: Run) -> bool:
        """Cancel ``run`` through the API; a failure is logged, not raised (rule 3)."""
        try:
            await self._controlled().cancel(_thread_of(run), run.id)
        except AssistantStreamError as exc:
            logger.warning("could not cancel run %s after too many tool rounds: %s", run.id, exc)
            return False
        return True


def _thread_of(run: Run) -> str:
    if not run.thread_id:
        raise InvalidStateError(f"the run {run.id} names no thread_id; cannot continue it")
    return run.thread_id
