"""Tests for assistant_stream._stream_state: the stream's states and moves are one table.

Every (state, move) pair is either in the table or refused with ``InvalidStateError``
naming both; and the table is what ``AssistantStream`` runs: change a row, and the
stream's behaviour changes with it.
"""

from __future__ import annotations

import itertools

import pytest
from builders import Recorder, body, message, run

from assistant_stream import InvalidStateError, StreamState, replay
from assistant_stream import _stream_state as state_module
from assistant_stream._stream_state import ENDED, SETTLED, TRANSITIONS, Effect, Move, transition

HELLO = body(
    ("thread.message.created", message("msg_1")), ("thread.run.completed", run("completed"))
)


@pytest.mark.parametrize(("state", "move"), list(itertools.product(StreamState, Move)))
def test_every_pair_is_a_row_or_refused(state: StreamState, move: Move) -> None:
    """A move the table lists gives its row; any other raises naming the state and move."""
    if (state, move) in TRANSITIONS:
        assert TRANSITIONS[state, move] == transition(state, move)
    else:
        with pytest.raises(InvalidStateError, match=f"is {state.value} cannot {move.value}"):
            transition(state, move)


def test_a_stream_is_released_once() -> None:
    """RELEASE appears only on moves out of STREAMING or PAUSED, each ending the stream."""
    releasing = [pair for pair, (_, effects) in TRANSITIONS.items() if Effect.RELEASE in effects]
    assert {StreamState.STREAMING, StreamState.PAUSED} == {state for state, _ in releasing}
    assert all(TRANSITIONS[pair][0] in ENDED for pair in releasing)


def test_a_pause_suspends_and_only_resume_streams_again() -> None:
    """PAUSE closes the body without on_end; from PAUSED only RESUME leads back to STREAMING."""
    assert (StreamState.PAUSED, (Effect.SUSPEND,)) == transition(StreamState.STREAMING, Move.PAUSE)
    suspending = [pair for pair, (_, effects) in TRANSITIONS.items() if Effect.SUSPEND in effects]
    assert [(StreamState.STREAMING, Move.PAUSE)] == suspending
    out_of_pause = {
        move: row[0] for (state, move), row in TRANSITIONS.items() if state is StreamState.PAUSED
    }
    assert {
        Move.RESUME: StreamState.STREAMING,
        Move.FAIL: StreamState.FAILED,
        Move.CANCEL: StreamState.CLOSED,
        Move.CLOSE: StreamState.CLOSED,
    } == out_of_pause
    assert StreamState.PAUSED in SETTLED
    assert StreamState.PAUSED not in ENDED


def test_ended_states_ignore_close_and_cancel() -> None:
    """Closing or cancelling an ended stream leaves it as it was, with no effect."""
    for ended, move in itertools.product(ENDED, (Move.CLOSE, Move.CANCEL)):
        assert (ended, ()) == transition(ended, move)


def test_only_a_failure_of_a_live_stream_is_reported() -> None:
    """on_exception (REPORT) runs for FAIL from STREAMING or PAUSED and nowhere else."""
    reporting = [pair for pair, (_, effects) in TRANSITIONS.items() if Effect.REPORT in effects]
    assert [(StreamState.STREAMING, Move.FAIL), (StreamState.PAUSED, Move.FAIL)] == reporting


async def test_the_table_is_what_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A finished stream with RELEASE removed from its row closes nothing and skips on_end."""
    ordinary = Recorder()
    async with replay(HELLO, ordinary) as stream:
        await stream.until_done()
    assert "on_end" in ordinary.names()

    changed = dict(TRANSITIONS)
    changed[StreamState.STREAMING, Move.FINISH] = (StreamState.FINISHED, ())
    monkeypatch.setattr(state_module, "TRANSITIONS", changed)
    recorder = Recorder()
    stream = replay(HELLO, recorder)
    await stream.until_done()
    assert StreamState.FINISHED == stream.state
    assert "on_end" not in recorder.names()
    monkeypatch.undo()
    await stream.aclose()  # FINISHED: nothing more to do


async def test_an_illegal_move_is_refused_by_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """With START removed from the table, starting a stream raises InvalidStateError."""
    changed = dict(TRANSITIONS)
    del changed[StreamState.NEW, Move.START]
    monkeypatch.setattr(state_module, "TRANSITIONS", changed)
    stream = replay(HELLO)
    with pytest.raises(InvalidStateError, match="is new cannot start"):
        await stream.until_done()
