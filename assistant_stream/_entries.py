"""Entries while they stream: what content blocks and tool calls share, and their parent.

An entry is one element of an index-keyed array: a block of a message's ``content`` or a
tool call of a step's ``tool_calls``. Each kind of entry is one small ``Entry`` subclass
(``_content``, ``_tool_calls``) that knows its delta class, how to seed itself from the
full model, how to apply a delta, its snapshot and its terminal value; a ``Family`` (the
content of messages, the tool calls of steps) picks the class from a table keyed by
``type``. ``Parent`` is the message or step holding the entries, and ``patch_entries``
applies one event's patches to a parent, the same way for both families.

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

Rule 3 - objects that are not deltas seed. ``thread.message.created`` / ``in_progress``
carrying content and ``thread.run.step.created`` / ``in_progress`` carrying tool calls make
entries, at the indices that hold no entry yet only, so a stale object never erases
streamed data; once the terminal object came nothing is seeded. A seeded entry has given
no notice yet (``_lifecycle`` rule 5). At most ``MAX_ENTRIES`` are seeded.

Rule 4 - one event is atomic: all of it, or none of it. An entry's ``apply`` checks
everything that can fail before it changes anything, and a new entry is stored only once
its first patch applied, so an event with one patch (nearly all of them) needs nothing
more. An event with several patches keeps a journal: the array's length, the open and
seeded entries, and each entry's slots before its patch (saving is reading the slots and
the sizes of its builders, rule 1). If a patch fails, the journal is replayed backwards:
slots restored, builders truncated, new entries removed. The caller registers a new parent
and moves its cursors only after ``patch_entries`` returned.
"""

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from types import MappingProxyType
from typing import Any, ClassVar, Final

from ._lifecycle import Lifecycle, Notify, State, advance
from ._notices import Callback, Notice
from ._patch import MAX_ENTRIES, Fragments, check_index, retype

__all__ = ["Entry", "Family", "Parent", "patch_entries"]

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


class Parent:
    """A message or a step, and its index-keyed entries (blocks or tool calls).

    Attributes:
        base: the latest object of a non-delta event (or ``Message(id=...)`` /
            ``RunStep(id=...)`` when a delta came first).
        family: the kind of its array.
        lifecycle: the accumulator's compiled lifecycle.
        entries: entries by index, ``None`` for holes.
        open: the entry streaming now, if any.
        pending: seeded entries that have given no notice yet, in index order.
        final: the terminal object, once it came.
        seen_streaming: ``False`` if the first event about it was its terminal event.
    """

    __slots__ = (
        "base",
        "entries",
        "family",
        "final",
        "lifecycle",
        "open",
        "pending",
        "seen_streaming",
    )

    def __init__(
        self, base: Any, family: Family, lifecycle: Lifecycle, *, seen_streaming: bool = True
    ) -> None:
        self.base = base
        self.family = family
        self.lifecycle = lifecycle
        self.entries: list[Any] = []
        self.open: Any = None
        self.pending: list[Entry] = []
        self.final: Any = None
        self.seen_streaming = seen_streaming

    def snapshot(self) -> Any:
        """The message or step now: the terminal object, or the base with its entries."""
        if self.final is not None:
            return self.final
        if not self.entries:
            return self.base
        items = (entry.item() for entry in self.entries if entry is not None)
        return self.family.with_items(self.base, tuple(item for item in items if item is not None))

    def seed(self, full: Any) -> None:
        """Make entries from a full object's array where none is yet (rule 3)."""
        if self.final is not None:
            return
        entries, pending = self.entries, self.pending
        added = False
        for index, model in enumerate(self.family.items_of(full)[:MAX_ENTRIES]):
            if index < len(entries) and entries[index] is not None:
                continue
            entry = self.family.make(model.type, index, self.base.id, self.lifecycle)
            entry.seed(model)
            if index >= len(entries):
                entries.extend([None] * (index + 1 - len(entries)))
            entries[index] = entry
            pending.append(entry)
            added = True
        if added:
            pending.sort(key=_by_index)

    def opening(self, entry: Entry, notices: list[Notice]) -> None:
        """``entry`` gives its first notice next: supersede the others first (rule 1)."""
        current = self.open
        if current is not None:
            advance(current, current.state.supersede, notices)
        if self.pending:
            before = [seeded for seeded in self.pending if seeded.index < entry.index]
            for seeded in before:
                advance(seeded, seeded.state.supersede, notices)
            self.pending = [seeded for seeded in self.pending if seeded.index > entry.index]
        self.open = entry

    def finish(self, finals: tuple[Any, ...], notices: list[Notice]) -> None:
        """Finish every entry; entries only in the terminal object's ``finals`` too.

        The entry streaming goes first, then the others in index order (lifecycle rule
        4). Each ``done`` gets the terminal object's entry at the same index when its type
        matches, else the streamed snapshot.
        """
        entries, family = self.entries, self.family
        current = self.open
        order: Sequence[int] = range(max(len(entries), len(finals)))
        if current is not None:
            order = [current.index, *(index for index in order if index != current.index)]
        for index in order:
            entry = entries[index] if index < len(entries) else None
            final = finals[index] if index < len(finals) else None
            if entry is None:
                if final is None or not self.seen_streaming:
                    continue
                entry = family.make(final.type, index, self.base.id, self.lifecycle)
                entry.seed(final)
            elif final is not None and getattr(final, "type", None) != entry.kind:
                final = None  # the terminal object disagrees: keep what was streamed
            if final is not None:
                final = entry.terminal(final)
            advance(entry, entry.state.finish, notices, final=final)
        self.open = None
        self.pending = []

    def close(self, notices: list[Notice]) -> None:
        """The run ended: finish the entry streaming, then the seeded ones (rule 4)."""
        current = self.open
        if current is not None:
            advance(current, current.state.finish, notices)
        for seeded in self.pending:
            advance(seeded, seeded.state.finish, notices)
        self.open = None
        self.pending = []


class _Journal:
    """What an event with several patches changed, to undo it if one fails (rule 4)."""

    __slots__ = ("_open", "_parent", "_pending", "_placed", "_saved", "_size")

    def __init__(self, parent: Parent) -> None:
        self._parent = parent
        self._size = len(parent.entries)
        self._open = parent.open
        self._pending = parent.pending
        self._saved = [
            (entry, entry.save()) for entry in (parent.open, *parent.pending) if entry is not None
        ]
        self._placed: list[int] = []

    def save(self, entry: Entry) -> None:
        """Remember ``entry`` as it is before a patch."""
        self._saved.append((entry, entry.save()))

    def placed(self, index: int) -> None:
        """Remember that a new entry was stored at ``index``."""
        self._placed.append(index)

    def undo(self) -> None:
        """Put the parent and its entries back as they were when the journal began."""
        parent = self._parent
        for entry, saved in reversed(self._saved):
            entry.restore(saved)
        entries = parent.entries
        for index in self._placed:
            if index < self._size:
                entries[index] = None
        del entries[self._size :]
        parent.open = self._open
        parent.pending = self._pending


def patch_entries(parent: Parent, patches: Sequence[Any], notices: list[Notice]) -> None:
    """Apply one event's ``patches`` to ``parent``'s entries; append their notices in order.

    Args:
        parent: the message or step.
        patches: the event's content or tool-call deltas.
        notices: where the notices are appended.

    Raises:
        InvalidDeltaError: a patch cannot be applied; then nothing changed (rule 4).
    """
    journal = _Journal(parent) if len(patches) > 1 else None
    entries = parent.entries
    try:
        for patch in patches:
            index = patch.index
            if index is None:
                continue  # an unknown kind of entry with no index: nowhere to put it
            entry = entries[index] if 0 <= index < len(entries) else None
            if entry is None:
                check_index(len(entries), index, parent.family.array, parent.base.id)
                entry = parent.family.make(patch.type, index, parent.base.id, parent.lifecycle)
                payload = entry.apply(patch)  # before storing it: a refused patch leaves no trace
                if index >= len(entries):
                    entries.extend([None] * (index + 1 - len(entries)))
                entries[index] = entry
                if journal is not None:
                    journal.placed(index)
            else:
                if journal is not None:
                    journal.save(entry)
                if patch.type != entry.kind:  # untyped (rule 2), else refused
                    family = parent.family
                    path = f"{family.array}[{index}]"
                    patch = retype(patch, entry.kind, family.union, path, entry.owner)
                payload = entry.apply(patch)
            state = entry.state
            if state.phase is None:
                parent.opening(entry, notices)
            delta = state.delta  # the shortcut derived from the table (lifecycle rule 6)
            if delta is not None:
                if payload is not None:
                    notices.append((delta, (payload, entry.snapshot())))
            else:
                advance(entry, state.patch, notices, payload)
            if parent.final is not None:  # a late entry of an ended message or step
                advance(entry, entry.state.finish, notices)
                parent.open = None
            if entry.placed:
                _notice_placed(entry, notices, parent.lifecycle.wanted)
    except BaseException:
        if journal is not None:
            journal.undo()
        raise


def _notice_placed(entry: Entry, notices: list[Notice], wanted: Any) -> None:
    """The notices of the nested values a delta placed (``on_annotation``), then forget them."""
    callback = entry.placed_callback
    if callback is not None and callback in wanted:
        snapshot = entry.snapshot()
        notices.extend((callback, (value, snapshot)) for value in entry.placed)
    entry.placed = ()
