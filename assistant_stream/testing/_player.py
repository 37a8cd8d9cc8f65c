"""What a run does, event by event: a turn of the script played into the store.

``play(store, state, turn, ...)`` is a generator of ``(event name, data bytes)``: each item
is what the service would send next, serialized at once, and the store already holds what
it says (the message appended, the step recorded, the run's status). A streaming response
writes the items; a run created without streaming drains them in the background, so both
leave the same state behind.

Rule 1 - the order of events is the live service's (``../shared/recorded/``): a run's
``created`` (unless it goes on after tool outputs: then the tool step's ``completed``),
``queued`` and ``in_progress``; per text part a ``message_creation`` step with its message,
streamed in small deltas; per tool part a ``tool_calls`` step with deltas (parallel function
calls share one step); then the run's end, or ``requires_action`` when the turn asked for
function calls (or, on Azure, MCP calls to approve: ``_azure_play``, which also plays
Azure's own tools). The ``done`` frame is the writer's.

Rule 2 - a run asked to cancel stops before its next event, with ``thread.run.cancelled``;
the step it was in is ``cancelled``, and the message it was writing ``incomplete``
(``run_cancelled``) with the text said so far.

Rule 3 - text is cut into word-sized deltas (a word with its leading space, or a punctuation
mark), some pairs merged, by a ``random.Random`` the caller seeds: the same seed, the same
deltas. A citation's marker is one delta of its own, carrying the annotation.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from . import _azure_play, _objects
from ._azure_parts import AzureFunction, BingGrounding, ConnectedAgent, McpCall
from ._emit import CODE_PIECE as _CODE_PIECE
from ._emit import Emit, pieces
from ._emit import delta as _delta
from ._emit import dump as _dump
from ._script import (
    SUBMIT_TOOL_APPROVAL,
    SUBMIT_TOOL_OUTPUTS,
    CodeInterpreter,
    Fail,
    FileSearch,
    FunctionCall,
    Incomplete,
    Part,
    Refusal,
    Text,
    waits_for,
)
from ._store import RunState, Store

__all__ = ["Emit", "pieces", "play"]

RANKING: Final = {"ranker": "default_2024_08_21", "score_threshold": 0.0}


class _Player:
    """One turn's events for one run."""

    def __init__(self, store: Store, state: RunState, rng: random.Random) -> None:
        self.store = store
        self.state = state
        self.run = state.run
        self.rng = rng
        self.writing: dict[str, Any] | None = None  # the message being written, if any

    def _run_event(self, status: str) -> Emit:
        return _dump(f"thread.run.{status}", self.run)

    def _new_step(self, details: dict[str, Any]) -> Iterator[Emit]:
        step = _objects.step(self.store.ids.new("step"), self.run, details)
        self.state.steps.append(step)
        yield _dump("thread.run.step.created", step)
        yield _dump("thread.run.step.in_progress", step)

    def _end_step(self, step: dict[str, Any], completion: int, *, free: bool = False) -> Emit:
        """The step completed, with its usage (``free``: none, as an MCP listing's)."""
        prompt = 0 if free else self.store.prompt_tokens(self.run["thread_id"])
        step.update(
            status="completed",
            completed_at=_objects.now(),
            usage=self.store.shape("usage", _objects.usage(prompt, completion)),
        )
        self.state.completion_tokens += completion
        return _dump("thread.run.step.completed", step)

    def _step_delta(
        self, step: dict[str, Any], kind: str, body: Any, index: int = 0, ident: str = ""
    ) -> Emit:
        """A delta of the step's tool call ``index`` (its first names it: ``ident``)."""
        call = {"index": index, **({"id": ident} if ident else {}), "type": kind, kind: body}
        delta = {"step_details": {"type": "tool_calls", "tool_calls": [call]}}
        return _delta("thread.run.step.delta", step["id"], delta)

    # -- messages ---------------------------------------------------------------------------

    def message(self, part: Text | Refusal, cut: bool) -> Iterator[Emit]:
        message = self.writing = self.store.append_assistant_message(self.state)
        details = {"type": "message_creation", "message_creation": {"message_id": message["id"]}}
        yield from self._new_step(details)
        step = self.state.steps[-1]
        yield _dump("thread.message.created", message)
        yield _dump("thread.message.in_progress", message)
        deltas = self._text_deltas(part) if isinstance(part, Text) else self._refusal(part)
        count, said = 0, ""
        for block in deltas:
            count += 1
            said += block["text"]["value"] if block["type"] == "text" else block["refusal"]
            message["content"] = [self._final_block(part, said)]
            yield _delta("thread.message.delta", message["id"], {"content": [block]})
        message["content"] = [self._final_block(part)]
        self.writing = None
        if cut:
            message.update(
                status="incomplete",
                incomplete_at=_objects.now(),
                incomplete_details={"reason": "max_tokens"},
            )
            yield _dump("thread.message.incomplete", message)
        else:
            message.update(status="completed", completed_at=_objects.now())
            yield _dump("thread.message.completed", message)
        yield self._end_step(step, count)

    def _text_deltas(self, part: Text) -> Iterator[dict[str, Any]]:
        markers = {citation.marker: citation for citation in part.citations}
        split = re.compile("(" + "|".join(map(re.escape, markers)) + ")") if markers else None
        chunks = split.split(part.text) if split else [part.text]
        offset, first, noted = 0, True, 0
        for chunk in chunks:
            if chunk in markers:
                text: dict[str, Any] = {
                    "value": chunk,
                    "annotations": [
                        {"index": noted, **self._annotation(markers[chunk], offset, True)}
                    ],
                }
                noted += 1
                offset += len(chunk)
                first = False
                yield {"index": 0, "type": "text", "text": text}
                continue
            for piece in pieces(chunk, self.rng) if chunk else []:
                text = {"value": piece, "annotations": []} if first else {"value": piece}
                first = False
                offset += len(piece)
                yield {"index": 0, "type": "text", "text": text}
        if first:  # an empty text still opens its block
            yield {"index": 0, "type": "text", "text": {"value": "", "annotations": []}}

    def _annotation(self, citation: Any, start: int, streamed: bool) -> dict[str, Any]:
        inner: dict[str, Any] = {"file_id": citation.file_id}
        if citation.type == "url_citation":
            inner = {"url": citation.url, "title": citation.title}
        elif streamed and citation.type == "file_citation":
            inner["quote"] = citation.quote
        return {
            "type": citation.type,
            "text": citation.marker,
            "start_index": start,
            "end_index": start + len(citation.marker),
            citation.type: inner,
        }

    def _refusal(self, part: Refusal) -> Iterator[dict[str, Any]]:
        for piece in pieces(part.refusal, self.rng):
            yield {"index": 0, "type": "refusal", "refusal": piece}

    def _final_block(self, part: Text | Refusal, said: str | None = None) -> dict[str, Any]:
        """The message's content block: whole, or as far as ``said`` goes."""
        if isinstance(part, Refusal):
            return {"type": "refusal", "refusal": part.refusal if said is None else said}
        value = part.text if said is None else said
        starts = [(c, part.text.index(c.marker)) for c in part.citations]
        annotations = [
            self._annotation(c, start, False)
            for c, start in starts
            if start + len(c.marker) <= len(value)
        ]
        return {"type": "text", "text": {"value": value, "annotations": annotations}}

    # -- tool calls -------------------------------------------------------------------------

    def _tool_step(self) -> Iterator[Emit]:
        yield from self._new_step({"type": "tool_calls", "tool_calls": []})

    def code_interpreter(self, part: CodeInterpreter) -> Iterator[Emit]:
        yield from self._tool_step()
        step = self.state.steps[-1]
        call_id = self.store.ids.new("call")
        opening = {"input": "", "outputs": []}
        yield self._step_delta(step, "code_interpreter", opening, ident=call_id)
        pieces_ = pieces(part.input, self.rng, _CODE_PIECE) if part.input else []
        for piece in pieces_:
            yield self._step_delta(step, "code_interpreter", {"input": piece})
        outputs: list[dict[str, Any]] = []
        if part.logs is not None:
            outputs.append({"type": "logs", "logs": part.logs})
        if part.image:
            outputs.append({"type": "image", "image": {"file_id": self.store.ids.new("file")}})
        for index, output in enumerate(outputs):
            patch = {"outputs": [{"index": index, **output}]}
            yield self._step_delta(step, "code_interpreter", patch)
        step["step_details"]["tool_calls"] = [
            {
                "id": call_id,
                "type": "code_interpreter",
                "code_interpreter": {"input": part.input, "outputs": outputs},
            }
        ]
        yield self._end_step(step, len(pieces_) + 1)

    def file_search(self, part: FileSearch) -> Iterator[Emit]:
        yield from self._tool_step()
        step = self.state.steps[-1]
        call_id = self.store.ids.new("call")
        opening = {"ranking_options": RANKING, "results": []}
        yield self._step_delta(step, "file_search", opening, ident=call_id)
        results = [
            {
                "file_id": self.store.ids.new("file"),
                "file_name": "file.txt",
                "score": 0.5,
                "attributes": {},
                **result,
            }
            for result in part.results
        ]
        step["step_details"]["tool_calls"] = [
            {
                "id": call_id,
                "type": "file_search",
                "file_search": {"ranking_options": RANKING, "results": results},
            }
        ]
        yield self._end_step(step, 10)

    def function_calls(self, calls: list[FunctionCall]) -> Iterator[Emit]:
        yield from self._tool_step()
        step = self.state.steps[-1]
        required: list[dict[str, Any]] = []
        for index, call in enumerate(calls):
            call_id = self.store.ids.new("call")
            opening = {"name": call.name, "arguments": "", "output": None}
            yield self._step_delta(step, "function", opening, index, call_id)
            for piece in pieces(call.arguments, self.rng, _CODE_PIECE):
                yield self._step_delta(step, "function", {"arguments": piece}, index)
            required.append(
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
            )
        step["step_details"]["tool_calls"] = [
            {**c, "function": {**c["function"], "output": None}} for c in required
        ]
        self.state.waiting = step
        self.store.end_run(
            self.state,
            "requires_action",
            required_action={
                "type": "submit_tool_outputs",
                "submit_tool_outputs": {"tool_calls": required},
            },
        )
        yield self._run_event("requires_action")

    def resumed(self) -> Iterator[Emit]:
        """The tool step the outputs (or approvals) completed: the first event after a submit."""
        step = self.state.waiting
        assert step is not None  # the store checked the run was waiting
        given = {o["tool_call_id"]: o["output"] for o in self.state.outputs}
        for call in step["step_details"]["tool_calls"]:
            output = given.get(call["id"])
            if call["type"] == "function":
                call["function"]["output"] = output
            elif call["type"] == "mcp":
                call["output"] = output  # a refused call never ran: its output stays null
        self.state.waiting = None
        yield self._end_step(step, 12)


def _cancelled(player: _Player) -> Iterator[Emit]:
    for step in player.state.steps:
        if step["status"] == "in_progress":
            step.update(status="cancelled", cancelled_at=_objects.now())
    if player.writing is not None:
        reason = {"reason": "run_cancelled"}
        player.writing.update(
            status="incomplete", incomplete_at=_objects.now(), incomplete_details=reason
        )
    player.store.end_run(player.state, "cancelled")
    yield player._run_event("cancelled")


def play(
    store: Store,
    state: RunState,
    turn: tuple[Part, ...],
    rng: random.Random,
    *,
    thread_created: bool = False,
) -> Iterator[Emit]:
    """Play ``turn`` for the run: every event, the store kept up to date as they go.

    Args:
        store: the server's state.
        state: the run (queued: new, or just given its tool outputs).
        turn: the parts to play.
        rng: the source of the text's cuts.
        thread_created: begin with ``thread.created`` (a create-and-run request).
    """
    player = _Player(store, state, rng)
    for emit in _events(player, turn, thread_created):
        if state.cancel_requested and state.run["status"] not in {"cancelled"}:
            yield from _cancelled(player)
            return
        yield emit


def _events(player: _Player, turn: tuple[Part, ...], thread_created: bool) -> Iterator[Emit]:
    state, run = player.state, player.run
    if thread_created:
        yield _dump("thread.created", player.store.thread(run["thread_id"]))
    if state.waiting is not None:
        yield from player.resumed()
    else:
        yield player._run_event("created")
    yield player._run_event("queued")
    run.update(status="in_progress", started_at=_objects.now())
    yield player._run_event("in_progress")
    calls = [part for part in turn if waits_for(part) is not None]  # the turn's end (_script)
    for index, part in enumerate(turn[: len(turn) - len(calls)]):
        cut = index + 1 < len(turn) and isinstance(turn[index + 1], Incomplete)
        yield from _PLAYS[type(part)](player, part, cut)
        if run["status"] != "in_progress":
            return
    action = waits_for(calls[0]) if calls else None
    if action is not None:
        yield from _WAITING_PLAYS[action](player, calls)
        return
    player.store.end_run(state, "completed", usage=_usage(player))
    yield player._run_event("completed")


def _fail(player: _Player, part: Fail, cut: bool) -> Iterator[Emit]:
    error = {"code": part.code, "message": part.message}
    player.store.end_run(player.state, "failed", last_error=error)
    yield player._run_event("failed")


def _incomplete(player: _Player, part: Incomplete, cut: bool) -> Iterator[Emit]:
    details = {"reason": part.reason}
    player.store.end_run(
        player.state, "incomplete", incomplete_details=details, usage=_usage(player)
    )
    yield player._run_event("incomplete")


def _usage(player: _Player) -> dict[str, Any]:
    prompt = player.store.prompt_tokens(player.run["thread_id"])
    return player.store.shape("usage", _objects.usage(prompt, player.state.completion_tokens))


def _function_calls(player: _Player, calls: list[Part]) -> Iterator[Emit]:
    return player.function_calls([call for call in calls if isinstance(call, FunctionCall)])


#: How the calls a turn ends with are played (together), by what the run then waits for.
_WAITING_PLAYS: Final[Mapping[str, Callable[[_Player, list[Part]], Iterator[Emit]]]] = {
    SUBMIT_TOOL_OUTPUTS: _function_calls,
    SUBMIT_TOOL_APPROVAL: _azure_play.mcp_approvals,
}
#: How each other kind of part is played.
_PLAYS: Final[Mapping[type, Callable[[_Player, Any, bool], Iterator[Emit]]]] = {
    Text: _Player.message,
    Refusal: _Player.message,
    CodeInterpreter: lambda player, part, cut: player.code_interpreter(part),
    FileSearch: lambda player, part, cut: player.file_search(part),
    Fail: _fail,
    Incomplete: _incomplete,
    McpCall: _azure_play.mcp_call,
    BingGrounding: _azure_play.bing_grounding,
    AzureFunction: _azure_play.called,
    ConnectedAgent: _azure_play.called,
}
