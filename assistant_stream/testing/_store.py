"""The embedded server's state: assistants, threads, messages, runs and steps, in memory.

Rule 1 - the store is the one mutable owner of the server's objects; each is kept as the
JSON-able dict the service would send (``_objects``), and whatever sends one serializes it
at once, so a later change never reaches what was already sent.

Rule 2 - every refusal is an ``ApiError`` raised before anything changes, with the real
service's status and wording (``_refusals``): unknown ids are 404; a second run on a thread
whose run is still active, a message added to it meanwhile, cancelling a run that ended and
submitting outputs to a run that does not wait for them (or with other ids than the calls it
waits for) are 400; so are approvals (Azure's MCP calls) for a run that waits for outputs,
and outputs for one that waits for approvals.

Rule 3 - a thread has at most one active run (queued, in progress, waiting at
``requires_action`` or cancelling); it stops being active when the run ends.

With ``azure=True`` the objects are shaped as the Azure service's (``_azure.shaped``).

No I/O and no asyncio: the server calls in, and the player (``_player``) fills in what runs do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from . import _azure, _objects, _refusals
from ._fields import check_message
from ._objects import Ids

__all__ = ["ACTIVE", "RunState", "Store", "page"]

#: The kinds of ``required_action``: function calls' outputs, MCP calls' approvals (Azure).
OUTPUTS: Final = "submit_tool_outputs"
APPROVAL: Final = "submit_tool_approval"
#: The statuses of a run that holds its thread.
ACTIVE: Final = frozenset({"queued", "in_progress", "requires_action", "cancelling"})
MAX_PAGE: Final = 100  # the service's largest `limit`
DEFAULT_PAGE: Final = 20


@attrs.define
class RunState:
    """A run and what the server knows about its progress (the store's, mutable)."""

    run: dict[str, Any]
    steps: list[dict[str, Any]] = attrs.field(factory=list)
    waiting: dict[str, Any] | None = None  # the tool_calls step at requires_action
    outputs: list[dict[str, str]] = attrs.field(factory=list)  # the last submitted
    approval_outputs: dict[str, str] = attrs.field(factory=dict)  # MCP call id -> its output
    listed: set[str] = attrs.field(factory=set)  # the MCP servers whose tools the run listed
    cancel_requested: bool = False
    completion_tokens: int = 0
    looks: int = 0  # requests that saw the run's state (a retrieve, a list of its thread's)


@attrs.define
class _Thread:
    thread: dict[str, Any]
    messages: list[dict[str, Any]] = attrs.field(factory=list)
    runs: dict[str, RunState] = attrs.field(factory=dict)
    active: str | None = None  # the id of the active run


def page(items: Sequence[dict[str, Any]], query: Mapping[str, str], kind: str) -> dict[str, Any]:
    """One page of a list: ``order`` (default ``desc``), ``limit``, ``after``, ``before``."""
    order = query.get("order", "desc")
    if order not in {"asc", "desc"}:
        raise _refusals.bad_value("order", "expected 'asc' or 'desc'.")
    try:
        limit = int(query.get("limit", DEFAULT_PAGE))
    except ValueError:
        raise _refusals.bad_type("limit", "an integer", query["limit"]) from None
    if not 1 <= limit <= MAX_PAGE:
        raise _refusals.bad_value("limit", f"expected a value between 1 and {MAX_PAGE}.")
    ordered = list(items) if order == "asc" else list(reversed(items))
    ids = [item["id"] for item in ordered]
    start, end = 0, len(ordered)
    for cursor, is_after in ((query.get("after"), True), (query.get("before"), False)):
        if cursor is None:
            continue
        if cursor not in ids:
            raise _refusals.not_found(kind, cursor)
        if is_after:
            start = ids.index(cursor) + 1
        else:
            end = ids.index(cursor)
    window = ordered[start:end]
    data = window[:limit] if query.get("before") is None else window[-limit:]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": len(window) > len(data),
    }


class Store:
    """Everything the server holds, checked on the way in."""

    def __init__(self, seed: int, *, azure: bool = False) -> None:
        self.ids = Ids(seed)
        self.azure = azure
        self._assistants: dict[str, dict[str, Any]] = {}
        self._threads: dict[str, _Thread] = {}

    def shape(self, kind: str, value: dict[str, Any]) -> dict[str, Any]:
        """``value``, an object of ``kind``, with the fields of the server's flavour."""
        return _azure.shaped(kind, value) if self.azure else value

    # -- assistants -----------------------------------------------------------------------

    def create_assistant(self, body: dict[str, Any]) -> dict[str, Any]:
        """A new assistant from a checked body."""
        agent = self.shape("assistant", _objects.assistant(self.ids.new("asst"), body))
        self._assistants[agent["id"]] = agent
        return agent

    def assistant(self, assistant_id: str) -> dict[str, Any]:
        """The assistant, or 404."""
        try:
            return self._assistants[assistant_id]
        except KeyError:
            raise _refusals.not_found("assistant", assistant_id) from None

    def assistants(self, query: Mapping[str, str]) -> dict[str, Any]:
        """A page of assistants."""
        return page(list(self._assistants.values()), query, "assistant")

    def delete_assistant(self, assistant_id: str) -> dict[str, Any]:
        """Delete the assistant (its threads and runs stay, as the service's do)."""
        self.assistant(assistant_id)
        del self._assistants[assistant_id]
        return {"id": assistant_id, "object": "assistant.deleted", "deleted": True}

    # -- threads and messages -------------------------------------------------------------

    def create_thread(self, body: dict[str, Any]) -> dict[str, Any]:
        """A new thread with its first messages (all checked before the thread exists)."""
        messages = [
            check_message(f"messages[{index}]", message)
            for index, message in enumerate(body.get("messages", []))
        ]
        thread = _objects.thread(self.ids.new("thread"), body)
        self._threads[thread["id"]] = _Thread(thread)
        for message in messages:
            self._append(thread["id"], message)
        return thread

    def _thread(self, thread_id: str) -> _Thread:
        try:
            return self._threads[thread_id]
        except KeyError:
            raise _refusals.not_found("thread", thread_id) from None

    def thread(self, thread_id: str) -> dict[str, Any]:
        """The thread, or 404."""
        return self._thread(thread_id).thread

    def delete_thread(self, thread_id: str) -> dict[str, Any]:
        """Delete the thread with its messages and runs."""
        self._thread(thread_id)
        del self._threads[thread_id]
        return {"id": thread_id, "object": "thread.deleted", "deleted": True}

    def add_message(self, thread_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A user's (or a given assistant's) message, refused while a run is active."""
        held = self._thread(thread_id)
        checked = check_message("message", body)
        if held.active is not None:
            raise _refusals.ApiError(
                400, f"Can't add messages to {thread_id} while a run {held.active} is active."
            )
        return self._append(thread_id, checked)

    def _append(self, thread_id: str, body: dict[str, Any]) -> dict[str, Any]:
        message = _objects.message(
            self.ids.new("msg"),
            thread_id,
            role=body["role"],
            blocks=_objects.content(body["content"]),
            attachments=body.get("attachments"),
            metadata=body.get("metadata"),
        )
        self._thread(thread_id).messages.append(message)
        return message

    def append_assistant_message(self, state: RunState) -> dict[str, Any]:
        """An empty assistant message, in progress, for a run to write."""
        run = state.run
        message = _objects.message(
            self.ids.new("msg"),
            run["thread_id"],
            role="assistant",
            blocks=[],
            assistant_id=run["assistant_id"],
            run_id=run["id"],
            status="in_progress",
        )
        self._thread(run["thread_id"]).messages.append(message)
        return message

    def put_message(self, message: dict[str, Any]) -> None:
        """Add a message, or replace the one with its id (a replayed recording's)."""
        messages = self._thread(message["thread_id"]).messages
        for index, held in enumerate(messages):
            if held["id"] == message["id"]:
                messages[index] = message
                return
        messages.append(message)

    def message(self, thread_id: str, message_id: str) -> dict[str, Any]:
        """The message, or 404."""
        for message in self._thread(thread_id).messages:
            if message["id"] == message_id:
                return message
        raise _refusals.not_found("message", message_id)

    def delete_message(self, thread_id: str, message_id: str) -> dict[str, Any]:
        """Delete the message, or 404."""
        message = self.message(thread_id, message_id)
        held = self._thread(thread_id)
        held.messages = [kept for kept in held.messages if kept is not message]
        return {"id": message_id, "object": "thread.message.deleted", "deleted": True}

    def messages(self, thread_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """A page of the thread's messages (``run_id`` filters)."""
        messages = self._thread(thread_id).messages
        if "run_id" in query:
            messages = [m for m in messages if m["run_id"] == query["run_id"]]
        return page(messages, query, "message")

    def last_user_text(self, thread_id: str) -> str:
        """What the last user message said (its text blocks), for the echo."""
        for message in reversed(self._thread(thread_id).messages):
            if message["role"] == "user":
                return "".join(
                    block["text"]["value"]
                    for block in message["content"]
                    if block.get("type") == "text"
                )
        return ""

    def prompt_tokens(self, thread_id: str) -> int:
        """A token count for the prompt: about four characters a token, as for English."""
        text = sum(len(str(m["content"])) for m in self._thread(thread_id).messages)
        return 30 + text // 4

    # -- runs -----------------------------------------------------------------------------

    def start_run(self, thread_id: str, body: dict[str, Any]) -> RunState:
        """A queued run on the thread (the body checked by ``_fields``)."""
        held = self._thread(thread_id)
        agent = self.assistant(body["assistant_id"])
        if held.active is not None:
            raise _refusals.active_run(thread_id, held.active)
        extra = [
            check_message(f"additional_messages[{index}]", message)
            for index, message in enumerate(body.get("additional_messages", []))
        ]
        has_user = extra or any(m["role"] == "user" for m in held.messages)
        if not has_user and not (body.get("instructions") or agent.get("instructions")):
            raise _refusals.no_message()
        for message in extra:
            self._append(thread_id, message)
        run = self.shape("run", _objects.run(self.ids.new("run"), thread_id, agent, body))
        if self.azure and body.get("tool_resources"):
            run["tool_resources"] = body["tool_resources"]  # Azure's runs take their own
        state = RunState(run)
        held.runs[state.run["id"]] = state
        held.active = state.run["id"]
        return state

    def looked_at(self, thread_id: str) -> None:
        """Count a request that showed the thread's active run where it is (see ``looks``)."""
        held = self._threads.get(thread_id)
        if held is not None and held.active is not None:
            held.runs[held.active].looks += 1

    def run_state(self, thread_id: str, run_id: str) -> RunState:
        """The run's state, or 404."""
        try:
            return self._thread(thread_id).runs[run_id]
        except KeyError:
            raise _refusals.not_found("run", run_id) from None

    def runs(self, thread_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """A page of the thread's runs."""
        runs = [state.run for state in self._thread(thread_id).runs.values()]
        return page(runs, query, "run")

    def steps(self, thread_id: str, run_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """A page of the run's steps."""
        return page(self.run_state(thread_id, run_id).steps, query, "run step")

    def step(self, thread_id: str, run_id: str, step_id: str) -> dict[str, Any]:
        """The run step, or 404."""
        for step in self.run_state(thread_id, run_id).steps:
            if step["id"] == step_id:
                return step
        raise _refusals.not_found("run step", step_id)

    def _waiting(self, thread_id: str, run_id: str, action: str, answer: str) -> RunState:
        """The run, if it waits for ``action`` (answered with ``answer``), or 400."""
        state = self.run_state(thread_id, run_id)
        run = state.run
        if run["status"] != "requires_action" or state.waiting is None:
            raise _refusals.no_tool_outputs(run["status"])
        waits_for = run["required_action"]["type"]
        if waits_for != action:
            expected = "tool_approvals" if waits_for == APPROVAL else "tool_outputs"
            raise _refusals.wrong_answer(expected, answer)
        return state

    def submit(self, thread_id: str, run_id: str, outputs: list[dict[str, str]]) -> RunState:
        """Take a waiting run's outputs: it is queued again, to go on with the next turn."""
        state = self._waiting(thread_id, run_id, OUTPUTS, "tool_outputs")
        run = state.run
        expected = [c["id"] for c in run["required_action"][OUTPUTS]["tool_calls"]]
        got = [output["tool_call_id"] for output in outputs]
        if sorted(expected) != sorted(got):
            raise _refusals.wrong_tool_calls(expected, got)
        state.outputs = outputs
        run.update(status="queued", required_action=None)
        return state

    def approve(self, thread_id: str, run_id: str, approvals: list[dict[str, Any]]) -> RunState:
        """Take a waiting run's approvals (Azure's MCP calls): it goes on with the next turn.

        An approved call's output is the one its part gave (``approval_outputs``); a refused
        call gives none.
        """
        state = self._waiting(thread_id, run_id, APPROVAL, "tool_approvals")
        run = state.run
        expected = [c["id"] for c in run["required_action"][APPROVAL]["tool_calls"]]
        got = [approval["tool_call_id"] for approval in approvals]
        if sorted(expected) != sorted(got):
            raise _refusals.wrong_tool_calls(expected, got, "approvals")
        state.outputs = [
            {
                "tool_call_id": a["tool_call_id"],
                "output": state.approval_outputs.get(a["tool_call_id"], ""),
            }
            for a in approvals
            if a["approve"]
        ]
        run.update(status="queued", required_action=None)
        return state

    def cancel(self, thread_id: str, run_id: str) -> RunState:
        """Ask a run to stop: one waiting at ``requires_action`` is cancelled at once."""
        state = self.run_state(thread_id, run_id)
        status = state.run["status"]
        if status not in ACTIVE or status == "cancelling":
            raise _refusals.cannot_cancel(status)
        state.cancel_requested = True
        if status == "requires_action":
            self.end_run(state, "cancelled")
        else:
            state.run["status"] = "cancelling"
        return state

    def end_run(self, state: RunState, status: str, **fields: Any) -> dict[str, Any]:
        """Put a run in a final status (or ``requires_action``) and free its thread if it ended."""
        run = state.run
        stamp = _objects.now()
        run.update(status=status, **fields)
        if status != "requires_action":
            run.update(expires_at=None, required_action=None)
            stamp_field = {
                "completed": "completed_at",
                "failed": "failed_at",
                "cancelled": "cancelled_at",
                "expired": None,
                "incomplete": None,
            }.get(status)
            if stamp_field:
                run[stamp_field] = stamp
            held = self._thread(run["thread_id"])
            if held.active == run["id"]:
                held.active = None
        return run
