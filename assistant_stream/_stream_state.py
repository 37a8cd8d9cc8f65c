"""The states of an ``AssistantStream`` and every legal move between them, as one table.

A stream is in one ``StreamState``. Something happens to it (a ``Move``); ``TRANSITIONS``
gives the next state and what the stream must do about it (``Effect``), in order. A move
the table does not list is a bug in the caller and raises ``InvalidStateError`` naming
the state and the move.

Rule 1 - a stream ends once. FINISHED, FAILED and CLOSED are ends. The move that first
reaches one RELEASEs the stream: the body is closed, then ``on_end`` runs. Closing or
cancelling an ended stream changes nothing.

Rule 2 - a failure is reported before the release. FAIL from STREAMING REPORTs first
(``on_timeout`` for a timeout, then ``on_exception``); cancellation is not reported.

Rule 3 - whatever propagates is the one outcome. An exception raised by ``on_exception``
or ``on_end`` replaces the stream's outcome: FAIL from an end state goes to FAILED with no
effect, and every later wait raises that exception.

Rule 4 - a stream that never started has nothing to release. CLOSE, FAIL and CANCEL from
NEW run no callback: nothing was opened.

Rule 5 - a run waiting for tool outputs pauses the stream. When a body ends with the run at
``requires_action`` and nothing was submitted, PAUSE SUSPENDs the stream: the body is closed
(for reuse), ``on_end`` does not run, and waits return. Submitting RESUMEs it with the next
body. A paused stream is not ended: closing, cancelling or failing it releases it (``on_end``
runs then, once for the whole logical stream).
"""

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .errors import InvalidStateError

__all__ = ["ENDED", "SETTLED", "TRANSITIONS", "Effect", "Move", "StreamState", "transition"]


class StreamState(enum.Enum):
    """Where a stream is."""

    NEW = "new"  # nothing read yet
    STREAMING = "streaming"  # started: events are being read and delivered
    FINISHED = "finished"  # ended normally: done, or a run-ending event then end of body
    FAILED = "failed"  # an exception ended it; later waits raise it again
    CLOSED = "closed"  # closed before it finished (aclose(), leaving async with, cancel)
    PAUSED = "paused"  # the run waits at requires_action; submit_tool_outputs resumes it


class Move(enum.Enum):
    """What happened to a stream."""

    START = "start"  # the first wait, pull or `async with`: the body is opened
    FINISH = "finish"  # `done`, or the body ended after a run-ending event
    FAIL = "fail"  # an exception ended it: the network's, the wire's or a callback's
    CANCEL = "cancel"  # its task was cancelled (or interrupted) while it ran
    CLOSE = "close"  # aclose(), or leaving `async with`
    PAUSE = "pause"  # a body ended with the run at requires_action, nothing submitted
    RESUME = "resume"  # tool outputs (or approvals) were submitted to a paused stream


class Effect(enum.Enum):
    """What the stream does after a move, in the order listed."""

    REPORT = "report"  # call on_timeout (for a timeout), then on_exception
    RELEASE = "release"  # close the body, then call on_end
    SUSPEND = "suspend"  # close the body; on_end waits for the end of the logical stream


_NEW, _STREAMING, _FINISHED, _FAILED, _CLOSED, _PAUSED = StreamState
_REPORT, _RELEASE, _SUSPEND = Effect

#: The states a stream ends in.
ENDED: Final = frozenset({_FINISHED, _FAILED, _CLOSED})
#: The states in which waits return: the ends, and a pause (rule 5).
SETTLED: Final = ENDED | {_PAUSED}

#: (state, move) -> (next state, effects in order).
TRANSITIONS: Final[Mapping[tuple[StreamState, Move], tuple[StreamState, tuple[Effect, ...]]]] = (
    MappingProxyType(
        {
            (_NEW, Move.START): (_STREAMING, ()),
            (_NEW, Move.CLOSE): (_CLOSED, ()),  # rule 4
            (_NEW, Move.FAIL): (_FAILED, ()),
            (_NEW, Move.CANCEL): (_CLOSED, ()),
            (_STREAMING, Move.FINISH): (_FINISHED, (_RELEASE,)),
            (_STREAMING, Move.FAIL): (_FAILED, (_REPORT, _RELEASE)),  # rule 2
            (_STREAMING, Move.CANCEL): (_CLOSED, (_RELEASE,)),
            (_STREAMING, Move.CLOSE): (_CLOSED, (_RELEASE,)),
            (_STREAMING, Move.PAUSE): (_PAUSED, (_SUSPEND,)),  # rule 5
            (_PAUSED, Move.RESUME): (_STREAMING, ()),
            (_PAUSED, Move.FAIL): (_FAILED, (_REPORT, _RELEASE)),
            (_PAUSED, Move.CANCEL): (_CLOSED, (_RELEASE,)),
            (_PAUSED, Move.CLOSE): (_CLOSED, (_RELEASE,)),
            **{(ended, Move.CLOSE): (ended, ()) for ended in ENDED},  # rule 1
            **{(ended, Move.CANCEL): (ended, ()) for ended in ENDED},
            **{(ended, Move.FAIL): (_FAILED, ()) for ended in ENDED},  # rule 3
        }
    )
)


def transition(state: StreamState, move: Move) -> tuple[StreamState, tuple[Effect, ...]]:
    """The next state and the effects of ``move`` in ``state``.

    Raises:
        InvalidStateError: the table has no such move (a bug in the caller).
    """
    try:
        return TRANSITIONS[state, move]
    except KeyError:
        raise InvalidStateError(
            f"an AssistantStream that is {state.value} cannot {move.value}"
        ) from None
