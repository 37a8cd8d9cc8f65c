"""Tests for assistant_stream._lifecycle: the table gives created, deltas, done, each once."""

import inspect
import itertools

import pytest
from hypothesis import example, given
from strategies_deltas import moves

from assistant_stream._lifecycle import CALLBACKS, TRANSITIONS, Move, Phase, Say
from assistant_stream.handler import CALLBACK_NAMES, EventHandler

PHASES = [None, *Phase]


def announcements(sequence: list[Move]) -> list[Say]:
    """Everything an entry announces along ``sequence``, starting before its first event."""
    phase: Phase | None = None
    said: list[Say] = []
    for move in sequence:
        phase, says = TRANSITIONS[phase, move]
        said += says
    return said


def test_table_is_complete() -> None:
    """Every (phase or None, move) pair has exactly one entry, and nothing else does."""
    assert set(itertools.product(PHASES, Move)) == set(TRANSITIONS)


@pytest.mark.parametrize(("phase", "move"), list(itertools.product(PHASES, Move)))
def test_every_move_lands_in_a_phase(phase: Phase | None, move: Move) -> None:
    """Every move ends in a real phase (never back to ``None``) and announces a tuple of Say."""
    after, says = TRANSITIONS[phase, move]
    assert isinstance(after, Phase)
    assert isinstance(says, tuple)
    assert all(isinstance(say, Say) for say in says)


@pytest.mark.parametrize("move", list(Move))
def test_done_is_absorbing(move: Move) -> None:
    """From DONE every move stays DONE and announces neither created nor done."""
    after, says = TRANSITIONS[Phase.DONE, move]
    assert Phase.DONE == after
    assert set() == {Say.CREATED, Say.DONE} & set(says)


@pytest.mark.parametrize("phase", PHASES)
def test_a_patch_is_always_delivered(phase: Phase | None) -> None:
    """A delta is delivered whatever the phase: late deltas are not dropped (rule 3)."""
    assert Say.DELTA == TRANSITIONS[phase, Move.PATCH][1][-1]


@pytest.mark.parametrize("phase", PHASES)
def test_finish_always_ends_done(phase: Phase | None) -> None:
    """Finishing an entry leaves it DONE, whatever phase it was in (rule 4)."""
    assert Phase.DONE == TRANSITIONS[phase, Move.FINISH][0]


def test_first_chunk_is_created_then_delta() -> None:
    """The chunk that creates an entry is announced as created, then as a delta (rule 2)."""
    assert (Phase.OPEN, (Say.CREATED, Say.DELTA)) == TRANSITIONS[None, Move.PATCH]


@given(moves)
def test_created_and_done_at_most_once(sequence: list[Move]) -> None:
    """Along any sequence of moves, created and done are each announced at most once."""
    said = announcements(sequence)
    assert said.count(Say.CREATED) <= 1
    assert said.count(Say.DONE) <= 1


@given(moves)
def test_nothing_but_deltas_after_done(sequence: list[Move]) -> None:
    """Once done is announced, only deltas follow."""
    said = announcements(sequence)
    if Say.DONE in said:
        assert {Say.DELTA} >= set(said[said.index(Say.DONE) + 1 :])


@given(moves.filter(lambda sequence: sequence[:1] != [Move.SUPERSEDE]))
def test_created_first_when_the_first_move_announces(sequence: list[Move]) -> None:
    """An entry first patched or finished announces created before any delta or done."""
    said = announcements(sequence)
    if said:
        assert Say.CREATED == said[0]


@given(moves)
@example([Move.SUPERSEDE, Move.PATCH])
def test_created_before_any_delta_or_done(sequence: list[Move]) -> None:
    """Along any sequence of moves, created comes before every delta and every done."""
    said = announcements(sequence)
    if Say.DELTA in said or Say.DONE in said:
        assert Say.CREATED == said[0]


def test_callback_kinds() -> None:
    """Callbacks exist for text, refusal, both image kinds and tool calls, nothing more."""
    expected = {"text", "refusal", "image_file", "image_url", "tool_call"}
    assert expected == set(CALLBACKS)


CALLBACK_PAIRS = [
    (kind, say, name) for kind, names in CALLBACKS.items() for say, name in names.items()
]


@pytest.mark.parametrize(("kind", "say", "name"), CALLBACK_PAIRS)
def test_callbacks_are_real_handler_methods(kind: str, say: Say, name: str) -> None:
    """Every callback named by the table is an EventHandler method of the right shape."""
    assert name in CALLBACK_NAMES
    assert name.startswith(f"on_{kind}_")
    parameters = list(inspect.signature(getattr(EventHandler, name)).parameters)
    expected = ["self", "delta", "snapshot"] if say is Say.DELTA else ["self"]
    assert expected == parameters[: len(expected)]
    assert (3 if say is Say.DELTA else 2) == len(parameters)
