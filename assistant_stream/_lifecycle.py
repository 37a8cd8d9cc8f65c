"""The lifecycle of one content block or tool call: created, deltas, done, each exactly once.

Every entry of a message's ``content`` and of a step's ``tool_calls`` goes through the same
small machine. Its state is kept per entry, inside the snapshot of the message or step the
entry belongs to (keyed by that message's or step's id), so nothing carries over from one
message or step to the next: the "current index" bugs of the reference SDK cannot happen.

Rule 1 - one entry streams at a time. When a delta opens a new entry, the entry that was
streaming in the same message or step is superseded: its ``done`` comes first, then the new
entry's ``created``.

Rule 2 - the first chunk is a delta too. A new entry announces ``created`` and then
``delta`` for the chunk that created it, so a consumer of deltas alone misses nothing.

Rule 3 - ``done`` once. Once done, an entry never announces ``created`` or ``done`` again; a
late delta still patches its snapshot and is still delivered as a delta.

Rule 4 - the end of the message or step (or of the run) finishes every entry still open.
An entry that appears only in the authoritative terminal object, never streamed, announces
``created`` and ``done`` then. A message or step first seen at its terminal event belongs to
an earlier stream (a submit-tool-outputs stream starts that way): its entries were announced
there and are not announced again.
"""

import enum
from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any, Final

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

__all__ = ["CALLBACKS", "TRANSITIONS", "Move", "Phase", "Say", "announce"]


class Phase(enum.Enum):
    """Where an entry is in its lifecycle (``None`` before the first event about it)."""

    OPEN = "open"  # created was announced; deltas may follow
    DONE = "done"  # done was announced; only late deltas may follow


class Move(enum.Enum):
    """What happened to an entry."""

    PATCH = "patch"  # a delta touched it
    SUPERSEDE = "supersede"  # a delta opened another entry of the same message or step
    FINISH = "finish"  # its message or step reached a terminal event, or the run ended


class Say(enum.Enum):
    """What a move announces, in order."""

    CREATED = "created"
    DELTA = "delta"
    DONE = "done"


_OPEN, _DONE = Phase.OPEN, Phase.DONE
_CREATED, _DELTA, _SAID_DONE = Say.CREATED, Say.DELTA, Say.DONE

#: (phase before, move) -> (phase after, announcements). Every pair is legal: a server may
#: send a late delta, and the end of a message finishes whatever is left.
TRANSITIONS: Final[Mapping[tuple[Phase | None, Move], tuple[Phase, tuple[Say, ...]]]] = (
    MappingProxyType(
        {
            (None, Move.PATCH): (_OPEN, (_CREATED, _DELTA)),
            (_OPEN, Move.PATCH): (_OPEN, (_DELTA,)),
            (_DONE, Move.PATCH): (_DONE, (_DELTA,)),
            (None, Move.SUPERSEDE): (_DONE, (_CREATED, _SAID_DONE)),
            (_OPEN, Move.SUPERSEDE): (_DONE, (_SAID_DONE,)),
            (_DONE, Move.SUPERSEDE): (_DONE, ()),
            (None, Move.FINISH): (_DONE, (_CREATED, _SAID_DONE)),
            (_OPEN, Move.FINISH): (_DONE, (_SAID_DONE,)),
            (_DONE, Move.FINISH): (_DONE, ()),
        }
    )
)

#: Entry kind -> the callback each announcement goes to. A kind without an entry for an
#: announcement has no such callback (images have no ``created`` or ``delta``; content of a
#: type this version does not know has none at all, but still follows the lifecycle).
CALLBACKS: Final[Mapping[str, Mapping[Say, Callback]]] = MappingProxyType(
    {
        "text": {_CREATED: ON_TEXT_CREATED, _DELTA: ON_TEXT_DELTA, _SAID_DONE: ON_TEXT_DONE},
        "refusal": {_DELTA: ON_REFUSAL_DELTA, _SAID_DONE: ON_REFUSAL_DONE},
        "image_file": {_SAID_DONE: ON_IMAGE_FILE_DONE},
        "image_url": {_SAID_DONE: ON_IMAGE_URL_DONE},
        "tool_call": {
            _CREATED: ON_TOOL_CALL_CREATED,
            _DELTA: ON_TOOL_CALL_DELTA,
            _SAID_DONE: ON_TOOL_CALL_DONE,
        },
    }
)


def announce(
    entry: Any,
    move: Move,
    notices: list[Notice],
    wanted: Collection[Callback],
    delta: Any = None,
    final: Any = None,
) -> None:
    """Advance ``entry`` by ``move``; append the notices it announces that are ``wanted``.

    Args:
        entry: a block or tool call: its ``phase`` is updated; ``callbacks`` (its kind's
            entry of ``CALLBACKS``, or ``None``) names the callbacks; ``snapshot()`` gives
            the value they receive.
        move: what happened.
        notices: where the notices are appended.
        wanted: the callbacks to produce notices for.
        delta: the delta's payload, for ``DELTA`` (no delta notice when ``None``).
        final: the authoritative value, for ``DONE`` (and for ``CREATED``, when an entry is
            announced only at its end); ``None`` to use the snapshot.
    """
    entry.phase, says = TRANSITIONS[entry.phase, move]
    names = entry.callbacks
    if not says or names is None:
        return
    snapshot = final
    for say in says:
        name = names.get(say)
        if name is None or name not in wanted or (say is Say.DELTA and delta is None):
            continue
        if snapshot is None:  # computed once: created and the first delta share it
            snapshot = entry.snapshot()
        notices.append((name, (delta, snapshot) if say is Say.DELTA else (snapshot,)))
