"""The lifecycle of one content block or tool call: created, deltas, done, each exactly once.

Every entry of a message's ``content`` and of a step's ``tool_calls`` goes through the same
small machine. Its state is kept per entry, inside the snapshot of the message or step the
entry belongs to (keyed by that message's or step's id), so nothing carries over from one
message or step to the next: the "current index" bugs of the reference SDK cannot happen.
A move of an entry gives notices (``_notices``): ``created``, ``delta`` and ``done``, each
naming the callback its kind has for it (``CALLBACKS``).

Rule 1 - one entry streams at a time. When a delta opens an entry, the entry that was
streaming in the same message or step is superseded: its ``done`` comes first, then the
opened entry's ``created``. So are the seeded entries before it (rule 5) that have given no
notice yet: ``created`` and ``done``, in index order.

Rule 2 - the first chunk is a delta too. An entry opened by a delta gives ``created`` and
then ``delta`` for the chunk that opened it, so a consumer of deltas alone misses nothing.

Rule 3 - ``done`` once. Once done, an entry never gives ``created`` or ``done`` again; a
late delta still patches its snapshot and is still delivered as a delta.

Rule 4 - the end of the message or step (or of the run) finishes every entry not done yet:
the one streaming first, then the others in index order. An entry that has given no notice
(one only in the authoritative terminal object, or a seeded one no delta touched) gives
``created`` and ``done`` then. A message or step first seen at its terminal event belongs
to an earlier stream (a submit-tool-outputs stream starts that way): its entries gave
their notices there and give none again.

Rule 5 - seeded entries wait. An entry taken from an object that is not a delta
(``thread.message.created`` carrying content, ``thread.run.step.created`` carrying tool
calls) starts before its first notice, as if it had streamed unseen: its first delta gives
``created`` (with the snapshot after that delta) and ``delta``; rules 1 and 4 cover the rest.

Rule 6 - the table is what runs. ``TRANSITIONS`` is compiled once per accumulator
(``Lifecycle``) into one ``State`` per phase and kind of entry, whose ``patch``,
``supersede`` and ``finish`` are that row of the table with the callbacks the accumulator
wants. Every move of every entry follows its compiled row; no code repeats a row by hand.
The one shortcut is derived from the rows too: ``State.delta`` is set only where the patch
row keeps the state and gives a single delta notice (the row of nearly every delta), and
then the caller appends that notice itself instead of calling ``advance``. It is "certain
or nothing", and a test checks that it gives what ``advance`` gives.
"""

import enum
from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeAlias

from ._notices import (
    ON_IMAGE_FILE_DONE,
    ON_IMAGE_URL_DONE,
    ON_REFUSAL_DELTA,
    ON_REFUSAL_DONE,
    ON_TEXT_CREATED,
    ON_TEXT_DELTA,
    ON_TEXT_DONE,
    ON_TOOL_CALL_CREATED,
    ON_TOOL_CALL_DELTA,
    ON_TOOL_CALL_DONE,
    Callback,
    Notice,
)

__all__ = [
    "CALLBACKS",
    "TRANSITIONS",
    "Lifecycle",
    "Move",
    "Notify",
    "Phase",
    "Row",
    "State",
    "advance",
]


class Phase(enum.Enum):
    """Where an entry is in its lifecycle (``None`` before its first notice)."""

    OPEN = "open"  # created was given; deltas may follow
    DONE = "done"  # done was given; only late deltas may follow


class Move(enum.Enum):
    """What happened to an entry; the value names the move's row in a ``State``."""

    PATCH = "patch"  # a delta touched it
    SUPERSEDE = "supersede"  # a delta opened another entry of the same message or step
    FINISH = "finish"  # its message or step reached a terminal event, or the run ended


class Notify(enum.Enum):
    """Which of its lifecycle notices a move gives, in order."""

    CREATED = "created"
    DELTA = "delta"
    DONE = "done"


_OPEN, _DONE = Phase.OPEN, Phase.DONE
_CREATED, _DELTA, _SAY_DONE = Notify.CREATED, Notify.DELTA, Notify.DONE

#: (phase before, move) -> (phase after, notices given). Every pair is legal: a server may
#: send a late delta, and the end of a message finishes whatever is left.
TRANSITIONS: Final[Mapping[tuple[Phase | None, Move], tuple[Phase, tuple[Notify, ...]]]] = (
    MappingProxyType(
        {
            (None, Move.PATCH): (_OPEN, (_CREATED, _DELTA)),
            (_OPEN, Move.PATCH): (_OPEN, (_DELTA,)),
            (_DONE, Move.PATCH): (_DONE, (_DELTA,)),
            (None, Move.SUPERSEDE): (_DONE, (_CREATED, _SAY_DONE)),
            (_OPEN, Move.SUPERSEDE): (_DONE, (_SAY_DONE,)),
            (_DONE, Move.SUPERSEDE): (_DONE, ()),
            (None, Move.FINISH): (_DONE, (_CREATED, _SAY_DONE)),
            (_OPEN, Move.FINISH): (_DONE, (_SAY_DONE,)),
            (_DONE, Move.FINISH): (_DONE, ()),
        }
    )
)

#: Entry kind -> the callback each of its notices names. A kind without an entry for a
#: notice has no such callback (images have no ``created`` or ``delta``; content of a type
#: this version does not know has none at all, but still follows the lifecycle).
CALLBACKS: Final[Mapping[str, Mapping[Notify, Callback]]] = MappingProxyType(
    {
        "text": {_CREATED: ON_TEXT_CREATED, _DELTA: ON_TEXT_DELTA, _SAY_DONE: ON_TEXT_DONE},
        "refusal": {_DELTA: ON_REFUSAL_DELTA, _SAY_DONE: ON_REFUSAL_DONE},
        "image_file": {_SAY_DONE: ON_IMAGE_FILE_DONE},
        "image_url": {_SAY_DONE: ON_IMAGE_URL_DONE},
        "tool_call": {
            _CREATED: ON_TOOL_CALL_CREATED,
            _DELTA: ON_TOOL_CALL_DELTA,
            _SAY_DONE: ON_TOOL_CALL_DONE,
        },
    }
)

#: A compiled row: the state after the move, and each notice it gives that is wanted, as
#: ``(is the delta notice, callback)``.
Row: TypeAlias = tuple["State", tuple[tuple[bool, Callback], ...]]


class State:
    """One phase of one kind of entry, compiled for one accumulator (rule 6).

    Attributes:
        phase: the phase, ``None`` before the first notice.
        patch, supersede, finish: the ``Row`` of each ``Move`` from this phase.
        delta: the callback of the delta notice if ``patch`` stays in this state and gives
            that notice alone, else ``None`` (the shortcut of rule 6).
    """

    __slots__ = ("delta", "finish", "patch", "phase", "supersede")

    def __init__(self, phase: Phase | None) -> None:
        self.phase = phase
        self.delta: Callback | None = None
        self.patch: Row
        self.supersede: Row
        self.finish: Row

    def __repr__(self) -> str:
        return f"<State {self.phase}>"


def _compile(
    table: Mapping[tuple[Phase | None, Move], tuple[Phase, tuple[Notify, ...]]],
    callbacks: Mapping[Notify, Callback],
    wanted: Collection[Callback],
    shortcuts: bool,
) -> State:
    """Compile ``table`` for a kind with ``callbacks``; return its state before any notice."""
    states: dict[Phase | None, State] = {phase: State(phase) for phase in (None, *Phase)}
    for (phase, move), (after, gives) in table.items():
        wanted_gives = tuple(
            (notify is _DELTA, callbacks[notify])
            for notify in gives
            if callbacks.get(notify) in wanted
        )
        setattr(states[phase], move.value, (states[after], wanted_gives))
    for state in states.values():
        stays, only = state.patch
        if shortcuts and stays is state and len(only) == 1 and only[0][0]:
            state.delta = only[0][1]
    return states[None]


class Lifecycle:
    """``TRANSITIONS`` compiled for one accumulator: a start state per kind of entry.

    Args:
        wanted: the callbacks the accumulator produces notices for.
        table: the transition table; ``None`` reads ``TRANSITIONS`` now.
        shortcuts: ``False`` compiles no ``State.delta`` (to check it against ``advance``).

    Attributes:
        wanted: as given.
    """

    __slots__ = ("_shortcuts", "_starts", "_table", "wanted")

    def __init__(
        self, wanted: Collection[Callback], table: Any = None, *, shortcuts: bool = True
    ) -> None:
        self.wanted = wanted
        self._table = TRANSITIONS if table is None else table
        self._shortcuts = shortcuts
        self._starts: dict[type, State] = {}

    def start(self, kind: Any) -> State:
        """The state before the first notice of an entry of class ``kind``.

        ``kind.callbacks`` names the callbacks of its notices.
        """
        state = self._starts.get(kind)
        if state is None:
            state = _compile(self._table, kind.callbacks, self.wanted, self._shortcuts)
            self._starts[kind] = state
        return state


def advance(
    entry: Any, row: Row, notices: list[Notice], delta: Any = None, final: Any = None
) -> None:
    """Move ``entry`` along ``row`` (one of its state's); append the notices it gives.

    Args:
        entry: a block or tool call: its ``state`` is updated; ``snapshot()`` gives the
            value its notices carry.
        row: ``entry.state.patch``, ``.supersede`` or ``.finish``.
        notices: where the notices are appended.
        delta: the delta's payload, for ``delta`` (no delta notice when ``None``).
        final: the authoritative value, for ``done`` (and for ``created``, when an entry
            gives its first notice only at its end); ``None`` to use the snapshot.
    """
    entry.state, gives = row
    snapshot = final
    for is_delta, callback in gives:
        if is_delta and delta is None:
            continue
        if snapshot is None:  # computed once: created and the first delta share it
            snapshot = entry.snapshot()
        notices.append((callback, (delta, snapshot) if is_delta else (snapshot,)))
