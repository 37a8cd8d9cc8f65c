"""Entries while they stream: what content blocks and tool calls share, and their parent.

An entry is one element of an index-keyed array: a block of a message's ``content`` or a
tool call of a step's ``tool_calls``. Each kind of entry is one small ``Entry`` subclass
(``_content``, ``_tool_calls``) that knows its delta class, how to seed itself from the
full model, how to apply a delta, its snapshot and its terminal value; a ``Family`` (the
content of messages, the tool calls of steps) picks the class from a table keyed by
``type``. The message or step holding the entries, and how one event's patches reach them,
are in ``_parent``.

Rule 1 - an entry is the only mutable object behind its snapshots. ``apply(delta)`` patches
it by the rules of ``_patch``; ``snapshot()`` returns the frozen model as it is at that
moment, in constant time: a fragment field is a lazy model (``_frozen.lazy_constructor``)
holding the builder and the current size, so a snapshot keeps its value while the entry
keeps growing. An entry's slots hold frozen values (tuples for nested arrays, dicts never
changed in place) and ``Fragments`` builders, nothing else.

Rule 2 - a patch continues the entry at its index, as that entry's kind. A patch of the
same ``type`` is applied as it is; one without a ``type`` is structured as a delta of the
entry's kind first (``_patch`` rule 4); one of another type raises ``InvalidDeltaError``.
A patch at an empty index makes a new entry of its type's class (the family's unknown
class for a type this version does not know, or for none).
"""

from collections.abc import Callable, Mapping
from operator import attrgetter
from types import MappingProxyType
from typing import Any, ClassVar, Final

from ._lifecycle import Lifecycle, Notify, State
from ._notices import Callback
from ._patch import Fragments

__all__ = ["Entry", "Family"]

_by_index: Final = attrgetter("index")


class Entry:
    """One content block or tool call while it streams; each kind is a subclass.

    Class attributes (one set per kind):
        kind: the wire ``type`` (the unknown kinds keep theirs per instance).
        delta_class, model_class: the classes of its deltas and of its full model.
        callbacks: the callback each of its lifecycle notices names.
        placed_callback: the callback of the nested values a delta placed
            (``on_annotation`` for text), or ``None``.

    Attributes:
        index: its position in the parent's array.
        owner: the id of its message or step, for errors.
        state: its compiled lifecycle state (``_lifecycle.State``).
        placed: the nested values its last delta placed, until they are noticed.
    """

    __slots__ = ("index", "kind", "owner", "state")

    kind: str  # a class attribute of each known kind, hiding the slot
    array: ClassVar[str]
    delta_class: ClassVar[type]
    model_class: ClassVar[type]
    callbacks: ClassVar[Mapping[Notify, Callback]] = MappingProxyType({})
    placed_callback: ClassVar[Callback | None] = None
    placed: Any = ()
    #: Every slot of the class, its bases' included: what ``save`` reads (rule 4).
    _saved: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        slots = [name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ())]
        cls._saved = tuple(name for name in slots if name not in ("index", "kind", "owner"))

    def __init__(self, index: int, owner: str, state: State) -> None:
        self.index = index
        self.owner = owner
        self.state = state

    @property
    def phase(self) -> Any:
        """Its lifecycle phase (``_lifecycle.Phase``), ``None`` before its first notice."""
        return self.state.phase

    def seed(self, model: Any) -> None:
        """Start from ``model``, an entry of a full object (rule 3)."""
        raise NotImplementedError

    def apply(self, delta: Any) -> Any:
        """Patch the entry with a delta of its class; return what its delta notice carries.

        ``None`` means no delta notice. Changes nothing when it raises (rule 4).
        """
        raise NotImplementedError

    def snapshot(self) -> Any:
        """The value its notices carry now (``Text``, ``ImageFile``, ``ToolCall``...)."""
        raise NotImplementedError

    def item(self) -> Any:
        """The entry as an element of its parent's array now (``None`` while empty)."""
        return self.snapshot()

    def terminal(self, final: Any) -> Any:
        """The value its ``done`` notice carries, from the terminal object's entry."""
        return final

    def save(self) -> list[tuple[Any, int | None]]:
        """Its slots now, with the size of each builder (rule 4)."""
        saved = []
        for name in self._saved:
            value = getattr(self, name)
            saved.append((value, value.size if type(value) is Fragments else None))
        return saved

    def restore(self, saved: list[tuple[Any, int | None]]) -> None:
        """Go back to what ``save`` returned."""
        for name, (value, size) in zip(self._saved, saved, strict=True):
            setattr(self, name, value)
            if size is not None:
                value.truncate(size)


class Family:
    """The entries of one kind of array: a message's content, or a step's tool calls.

    Attributes:
        array: the array's path in its message or step (``"content"``).
        kinds: ``type`` -> the entry class of that kind.
        unknown: the class of entries of any other ``type``.
        union: the delta union an untyped patch is structured as.
        items_of: the array of a full object (a message's ``content``...).
        with_items: ``with_items(base, items)``: the full object with those entries.
    """

    __slots__ = ("array", "items_of", "kinds", "union", "unknown", "with_items")

    def __init__(
        self,
        kinds: Mapping[str, type[Entry]],
        unknown: type[Entry],
        union: Any,
        items_of: Callable[[Any], tuple[Any, ...]],
        with_items: Callable[[Any, tuple[Any, ...]], Any],
    ) -> None:
        self.array = unknown.array
        self.kinds = kinds
        self.unknown = unknown
        self.union = union
        self.items_of = items_of
        self.with_items = with_items

    def make(self, kind: str, index: int, owner: str, lifecycle: Lifecycle) -> Entry:
        """A new, empty entry of ``kind`` at ``index``."""
        cls = self.kinds.get(kind)
        if cls is not None:
            return cls(index, owner, lifecycle.start(cls))
        entry = self.unknown(index, owner, lifecycle.start(self.unknown))
        entry.kind = kind
        return entry
