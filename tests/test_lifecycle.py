"""Tests for assistant_stream._lifecycle: the table gives created, deltas, done, each once."""

import inspect
import itertools
from typing import Any

import pytest
from builders import events, message_delta, text_patch
from hypothesis import example, given
from strategies_deltas import moves

from assistant_stream import _lifecycle, _parent
from assistant_stream._lifecycle import (
    CALLBACKS,
    TRANSITIONS,
    Lifecycle,
    Move,
    Notify,
    Phase,
    State,
    advance,
)
from assistant_stream.accumulate import Accumulator
from assistant_stream.handler import CALLBACK_NAMES, EventHandler

TEXT_DELTA = ("thread.message.delta", message_delta("m1", text_patch(0, "x")))

PHASES = [None, *Phase]


def notices_given(sequence: list[Move]) -> list[Notify]:
    """Every notice an entry gives along ``sequence``, starting before its first event."""
    phase: Phase | None = None
    said: list[Notify] = []
    for move in sequence:
        phase, says = TRANSITIONS[phase, move]
        said += says
    return said


def test_table_is_complete() -> None:
    """Every (phase or None, move) pair has exactly one entry, and nothing else does."""
    assert set(itertools.product(PHASES, Move)) == set(TRANSITIONS)


@pytest.mark.parametrize(("phase", "move"), list(itertools.product(PHASES, Move)))
def test_every_move_lands_in_a_phase(phase: Phase | None, move: Move) -> None:
    """Every move ends in a real phase (never back to ``None``) and gives a tuple of Notify."""
    after, says = TRANSITIONS[phase, move]
    assert isinstance(after, Phase)
    assert isinstance(says, tuple)
    assert all(isinstance(say, Notify) for say in says)


@pytest.mark.parametrize("move", list(Move))
def test_done_is_absorbing(move: Move) -> None:
    """From DONE every move stays DONE and gives neither created nor done."""
    after, says = TRANSITIONS[Phase.DONE, move]
    assert Phase.DONE == after
    assert set() == {Notify.CREATED, Notify.DONE} & set(says)


@pytest.mark.parametrize("phase", PHASES)
def test_a_patch_is_always_delivered(phase: Phase | None) -> None:
    """A delta is delivered whatever the phase: late deltas are not dropped (rule 3)."""
    assert Notify.DELTA == TRANSITIONS[phase, Move.PATCH][1][-1]


@pytest.mark.parametrize("phase", PHASES)
def test_finish_always_ends_done(phase: Phase | None) -> None:
    """Finishing an entry leaves it DONE, whatever phase it was in (rule 4)."""
    assert Phase.DONE == TRANSITIONS[phase, Move.FINISH][0]


def test_first_chunk_is_created_then_delta() -> None:
    """The chunk that opens an entry gives created, then delta (rule 2)."""
    assert (Phase.OPEN, (Notify.CREATED, Notify.DELTA)) == TRANSITIONS[None, Move.PATCH]


@given(moves)
def test_created_and_done_at_most_once(sequence: list[Move]) -> None:
    """Along any sequence of moves, created and done are each given at most once."""
    said = notices_given(sequence)
    assert said.count(Notify.CREATED) <= 1
    assert said.count(Notify.DONE) <= 1


@given(moves)
def test_nothing_but_deltas_after_done(sequence: list[Move]) -> None:
    """Once done is given, only deltas follow."""
    said = notices_given(sequence)
    if Notify.DONE in said:
        assert {Notify.DELTA} >= set(said[said.index(Notify.DONE) + 1 :])


@given(moves.filter(lambda sequence: sequence[:1] != [Move.SUPERSEDE]))
def test_created_first_when_the_first_move_gives_notices(sequence: list[Move]) -> None:
    """An entry first patched or finished gives created before any delta or done."""
    said = notices_given(sequence)
    if said:
        assert Notify.CREATED == said[0]


@given(moves)
@example([Move.SUPERSEDE, Move.PATCH])
def test_created_before_any_delta_or_done(sequence: list[Move]) -> None:
    """Along any sequence of moves, created comes before every delta and every done."""
    said = notices_given(sequence)
    if Notify.DELTA in said or Notify.DONE in said:
        assert Notify.CREATED == said[0]


def test_callback_kinds() -> None:
    """Callbacks exist for text, refusal, both image kinds and tool calls, nothing more."""
    expected = {"text", "refusal", "image_file", "image_url", "tool_call"}
    assert expected == set(CALLBACKS)


CALLBACK_PAIRS = [
    (kind, say, name) for kind, names in CALLBACKS.items() for say, name in names.items()
]


@pytest.mark.parametrize(("kind", "say", "name"), CALLBACK_PAIRS)
def test_callbacks_are_real_handler_methods(kind: str, say: Notify, name: str) -> None:
    """Every callback named by the table is an EventHandler method of the right shape."""
    assert name in CALLBACK_NAMES
    assert name.startswith(f"on_{kind}_")
    parameters = list(inspect.signature(getattr(EventHandler, name)).parameters)
    expected = ["self", "delta", "snapshot"] if say is Notify.DELTA else ["self"]
    assert expected == parameters[: len(expected)]
    assert (3 if say is Notify.DELTA else 2) == len(parameters)


# -- the compiled table (rule 6) -------------------------------------------------------------


class _Kind:
    """A stand-in entry class: only its callbacks matter to the compiler."""

    callbacks = CALLBACKS["text"]


def _walk(start: State) -> dict[Phase | None, State]:
    """Every state reachable from ``start``, by phase."""
    states, todo = {}, [start]
    while todo:
        state = todo.pop()
        if state.phase not in states:
            states[state.phase] = state
            todo += [getattr(state, move.value)[0] for move in Move]
    return states


@pytest.mark.parametrize("wanted", [set(CALLBACKS["text"].values()), {"on_text_done"}, set()])
def test_compiled_rows_are_the_table(wanted: set[str]) -> None:
    """Each compiled row goes where the table says and gives the wanted callbacks it names."""
    states = _walk(Lifecycle(wanted).start(_Kind))
    assert set(PHASES) == set(states)
    for (phase, move), (after, gives) in TRANSITIONS.items():
        compiled_after, compiled_gives = getattr(states[phase], move.value)
        names = [CALLBACKS["text"][notify] for notify in gives]
        assert (after, [name for name in names if name in wanted]) == (
            compiled_after.phase,
            [callback for _, callback in compiled_gives],
        )


def test_the_shortcut_is_set_where_a_patch_stays_and_gives_one_delta() -> None:
    """``State.delta`` is the delta callback for OPEN and DONE, and None before the first notice."""
    states = _walk(Lifecycle({"on_text_delta", "on_text_created"}).start(_Kind))
    assert {None: None, Phase.OPEN: "on_text_delta", Phase.DONE: "on_text_delta"} == {
        phase: state.delta for phase, state in states.items()
    }
    assert {None} == {state.delta for state in _walk(Lifecycle(set()).start(_Kind)).values()}
    off = _walk(Lifecycle({"on_text_delta"}, shortcuts=False).start(_Kind))
    assert {None} == {state.delta for state in off.values()}


def test_a_table_giving_two_deltas_compiles_no_shortcut() -> None:
    """A patch row that gives the delta twice is not a shortcut: advance runs it."""
    table = dict(TRANSITIONS)
    table[Phase.OPEN, Move.PATCH] = (Phase.OPEN, (Notify.DELTA, Notify.DELTA))
    states = _walk(Lifecycle({"on_text_delta"}, table).start(_Kind))
    assert states[Phase.OPEN].delta is None


def test_a_table_row_without_the_delta_removes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """An accumulator built against an (OPEN, PATCH) row that gives nothing gives no later delta."""
    table = dict(_lifecycle.TRANSITIONS)
    table[Phase.OPEN, Move.PATCH] = (Phase.OPEN, ())
    monkeypatch.setattr(_lifecycle, "TRANSITIONS", table)
    accumulator = Accumulator(["on_text_delta"])
    notices = [accumulator.feed(event) for event in events(*[TEXT_DELTA] * 3)]
    assert [1, 0, 0] == [len(given) for given in notices]


def test_continuing_deltas_take_the_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the first of a block's deltas calls advance; the others append their notice directly."""
    calls = []

    def counting(*arguments: Any, **keywords: Any) -> None:
        calls.append(arguments[1])
        advance(*arguments, **keywords)

    monkeypatch.setattr(_parent, "advance", counting)
    accumulator = Accumulator(["on_text_delta"])
    notices = [accumulator.feed(event) for event in events(*[TEXT_DELTA] * 4)]
    assert (1, [1, 1, 1, 1]) == (len(calls), [len(given) for given in notices])
