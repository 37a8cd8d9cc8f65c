"""Pure helpers for applying deltas: fragment builders, index-keyed arrays, field overwrites.

Rule 1 - fragments are appended, never concatenated. A ``Fragments`` builder keeps the pieces
of one growing string (a text value, function arguments, code input) and joins them only
when someone reads the string. Appending costs the same at the 80,000th piece as at the
first; a reader pays for the join once, and the joined string replaces the pieces.

Rule 2 - an array in a delta is a patch keyed by ``index``, never a list to append. Entries
are placed at their index; holes are allowed and entries may come in any order. An index
is refused (``InvalidDeltaError``) when it is negative, when it jumps more than
``MAX_INDEX_GAP`` past the entries so far, or when it reaches ``MAX_ENTRIES``: a hostile or
broken server must not make the client allocate a huge list.

Rule 3 - every other field overwrites. A field of a patch that is ``None`` (absent or
null) leaves the snapshot's value unchanged; any other value replaces it. A nested object
of the same class is patched by the same rule (a ``file_citation`` that brings its
``quote`` later keeps its ``file_id``). Numbers are never added and strings other than
fragments are never concatenated.

Rule 4 - a patch without a ``type`` continues what its index holds. The converter turns an
array entry whose ``type`` is missing (or not a string) into the union's ``Unknown...``
member with an empty ``type`` and its raw JSON. At an index that holds a value of a known
kind, that raw JSON is structured as that kind's delta (``retype``), as if it had said its
type; at an empty index it stays an unknown entry. A raw patch that does not fit the kind
raises ``InvalidDeltaError``.

Rule 5 - nothing changes on failure. Every helper that raises does so before changing
anything; ``Fragments.truncate`` takes a builder back to an earlier size, which is how the
accumulator undoes a failed event (fragments are append-only, so that is cheap).
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, TypeVar

import attrs
import cattrs

from ._converter import DETAILED, format_problem
from .errors import InvalidDeltaError

__all__ = [
    "MAX_ENTRIES",
    "MAX_INDEX_GAP",
    "Fragments",
    "check_index",
    "entry_at",
    "merge_raw",
    "overwrite",
    "place",
    "present",
    "retype",
]

#: How far past the current end of an array a delta's ``index`` may jump. Real streams
#: jump by one; a small gap is tolerated because entries may arrive out of order.
MAX_INDEX_GAP: Final = 1024

#: The most entries an index-keyed array may hold (content blocks, annotations, tool
#: calls, outputs). Real messages hold a handful; the cap bounds what a hostile index costs.
MAX_ENTRIES: Final = 65_536

T = TypeVar("T")


class Fragments:
    """The pieces of one string that arrives in fragments, joined lazily.

    ``size`` is the length of the whole string so far. ``text(size)`` returns the string as
    it was when it had ``size`` characters, so a snapshot taken earlier keeps reading the
    value it had, while the builder keeps growing.
    """

    __slots__ = ("_parts", "size")

    def __init__(self, first: str = "") -> None:
        self._parts = [first] if first else []
        self.size = len(first)

    def __repr__(self) -> str:
        return f"Fragments(size={self.size}, pieces={len(self._parts)})"

    def append(self, piece: str) -> None:
        """Add the next piece; constant time."""
        self._parts.append(piece)
        self.size += len(piece)

    def text(self, size: int | None = None) -> str:
        """Return the first ``size`` characters (all of them when ``size`` is ``None``).

        Joining replaces the pieces with the joined string, so the cost of a join is paid
        once for all the pieces it covers.
        """
        parts = self._parts
        if len(parts) > 1:
            joined = "".join(parts)
            parts[:] = (joined,)
        elif parts:
            joined = parts[0]
        else:
            return ""
        if size is None or size == len(joined):
            return joined
        return joined[:size]

    def truncate(self, size: int) -> None:
        """Drop everything after the first ``size`` characters (rule 5).

        Pieces appended after the builder had ``size`` characters are removed; a joined
        piece that reaches past ``size`` is cut back.
        """
        parts = self._parts
        total = self.size
        while total > size:
            last = parts.pop()
            total -= len(last)
            if total < size:
                parts.append(last[: size - total])
                total = size
        self.size = size


def entry_at(entries: list[Any], index: int, array: str, owner: str) -> Any:
    """Return ``entries[index]``, growing ``entries`` with ``None`` holes to reach it.

    Args:
        entries: the snapshot's array, with ``None`` for entries not received yet.
        index: the delta entry's ``index``.
        array: the array's path in its message or step, for the error.
        owner: the id of the message or step, for the error.

    Returns:
        The entry at ``index``, or ``None`` if there is none yet (a hole, or past the end).

    Raises:
        InvalidDeltaError: ``index`` is negative, jumps more than ``MAX_INDEX_GAP`` past the
            end, or reaches ``MAX_ENTRIES``.
    """
    size = len(entries)
    if 0 <= index < size:
        return entries[index]
    check_index(size, index, array, owner)
    entries.extend([None] * (index + 1 - size))
    return None


def check_index(size: int, index: int, array: str, owner: str) -> None:
    """Raise unless ``index`` may be placed in an array of ``size`` entries (rule 2).

    Raises:
        InvalidDeltaError: ``index`` is negative, jumps more than ``MAX_INDEX_GAP`` past the
            end, or reaches ``MAX_ENTRIES``.
    """
    if index < 0 or index - size > MAX_INDEX_GAP or index >= MAX_ENTRIES:
        raise InvalidDeltaError(
            f"{owner}: {array}[{index}] is out of range: the array has {size} entries, an "
            f"index may be at most {MAX_INDEX_GAP} past the end and below {MAX_ENTRIES}"
        )


def place(
    values: tuple[Any, ...],
    patches: Sequence[Any],
    merge: Callable[[Any, Any], Any],
    union: Any,
    array: str,
    owner: str,
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Apply index-keyed ``patches`` to an array of frozen values (rules 2 and 4).

    Args:
        values: the array so far, ``None`` for holes; it is not changed.
        patches: delta entries, each with an ``index`` (``None``: merged, not placed).
        merge: ``merge(existing or None, patch)`` returns the new value.
        union: the delta union an untyped patch is structured as (rule 4).
        array: the array's path in its message or step, for errors.
        owner: the id of the message or step, for errors.

    Returns:
        The new array, and the merged value of each patch in order.

    Raises:
        InvalidDeltaError: an index is out of range, or an untyped patch does not fit.
    """
    grown = list(values)
    merged = []
    for patch in patches:
        index = patch.index
        existing = entry_at(grown, index, array, owner) if index is not None else None
        if existing is not None and patch.type == "" and existing.type != "":
            patch = retype(patch, existing.type, union, f"{array}[{index}]", owner)
        value = merge(existing, patch)
        if index is not None:
            grown[index] = value
        merged.append(value)
    return tuple(grown), tuple(merged)


def retype(patch: Any, kind: str, union: Any, path: str, owner: str) -> Any:
    """``patch`` as a delta of ``kind``, the type of what its index holds (rule 4).

    Args:
        patch: a delta entry; if its ``type`` is empty, its ``raw`` JSON is structured.
        kind: the type of what its index holds.
        union: the delta union to structure it as (``MessageContentDelta``...).
        path: the patch's path in its message or step, for the error.
        owner: the id of the message or step, for the error.

    Raises:
        InvalidDeltaError: ``patch`` has another type, or its raw JSON does not fit.
    """
    if patch.type != "":
        raise InvalidDeltaError(f"{owner}: {path} changed type from {kind!r} to {patch.type!r}")
    typed = {**patch.raw, "type": kind}
    try:  # the detailed converter: the fast one lets a string pass for an object
        return DETAILED.structure(typed, union)
    except Exception as exc:
        problems = cattrs.transform_error(exc, path="$", format_exception=format_problem)
        raise InvalidDeltaError(
            f"{owner}: {path} has no type and does not fit its {kind!r} entry: "
            + "; ".join(problems)
        ) from None


def merge_raw(existing: Any, raw: dict[str, Any]) -> dict[str, Any]:
    """The raw JSON of an ``Unknown...`` value patched by ``raw``: later keys overwrite."""
    return raw if existing is None else {**existing.raw, **raw}


def present(values: Iterable[Any]) -> tuple[Any, ...]:
    """The values of an index-keyed array, holes left out."""
    return tuple([value for value in values if value is not None])


def overwrite(target: type[T], existing: T | None, patch: Any, skip: Iterable[str] = ()) -> T:
    """Apply ``patch`` to ``existing`` (an instance of ``target``, or ``None``) by rule 3.

    The patch may be of another class (a delta class): fields are matched by name, and the
    patch's fields that ``target`` does not have (``index``) are ignored, as are ``skip``.
    """
    changes = {}
    for name in _shared_fields(type(patch), target):
        value = getattr(patch, name)
        if value is None or name in skip:
            continue
        if existing is not None and attrs.has(type(value)):
            before = getattr(existing, name)
            if type(before) is type(value):
                value = overwrite(type(value), before, value)
        changes[name] = value
    if existing is None:
        return target(**changes)
    return attrs.evolve(existing, **changes) if changes else existing  # type: ignore[misc]


_SHARED: dict[tuple[type, type], tuple[str, ...]] = {}


def _shared_fields(source: type, target: type) -> tuple[str, ...]:
    key = (source, target)
    names = _SHARED.get(key)
    if names is None:
        wanted = attrs.fields_dict(target)
        names = tuple(f.name for f in attrs.fields(source) if f.name in wanted)
        _SHARED[key] = names
    return names
