"""What the players emit: an event as ``(name, data bytes)``, and text cut into deltas.

Rule - an event is serialized the moment it is made (``dump``), so that a later change to
the store's object never reaches what was already emitted. Text is cut into word-sized
pieces (a word with its leading space, or a punctuation mark), some pairs merged, by a
``random.Random`` the caller seeds: the same seed, the same pieces.

No I/O: ``_player`` (every flavour's parts) and ``_azure_play`` (Azure's) use these.
"""

from __future__ import annotations

import random
import re
from typing import Any, Final, TypeAlias

import orjson

__all__ = ["CODE_PIECE", "MERGE_CHANCE", "Emit", "delta", "dump", "pieces"]

Emit: TypeAlias = tuple[str, bytes]
_WORDS: Final = re.compile(r"\s*[\w'\u2019]+|\s*[^\w\s]|\s+")
#: How code and JSON arguments are cut: a word or one other character at a time.
CODE_PIECE: Final = re.compile(r"\s*\w+|\s*\W")
MERGE_CHANCE: Final = 0.2  # how often two pieces go out as one delta, as models' tokens do


def dump(name: str, data: dict[str, Any]) -> Emit:
    """The event ``name`` carrying ``data``, serialized now."""
    return name, orjson.dumps(data)


def delta(name: str, ident: str, body: dict[str, Any]) -> Emit:
    """A ``thread.message.delta`` or ``thread.run.step.delta`` event of object ``ident``."""
    return dump(name, {"id": ident, "object": name, "delta": body})


def pieces(text: str, rng: random.Random, pattern: re.Pattern[str] = _WORDS) -> list[str]:
    """``text`` cut into delta-sized pieces that join back to it."""
    found = pattern.findall(text)
    joined = "".join(found)
    if joined != text:  # never lose a character the pattern missed
        found.append(text[len(joined) :])
    out: list[str] = []
    for piece in found:
        if out and rng.random() < MERGE_CHANCE:
            out[-1] += piece
        else:
            out.append(piece)
    return out or [""]
