"""The message or step holding entries (``Parent``), and one event's patches applied to it.

A ``Parent`` is a message (its ``content``) or a step (its ``tool_calls``) while it streams:
its base object, its index-keyed entries (``_entries``) and their lifecycle, and its
terminal object once that came. ``patch_entries`` applies one delta event's patches to a
parent, the same way for both families.

Rule 1 - objects that are not deltas seed. ``thread.message.created`` / ``in_progress``
carrying content and ``thread.run.step.created`` / ``in_progress`` carrying tool calls make
entries, at the indices that hold no entry yet only, so a stale object never erases
streamed data; once the terminal object came nothing is seeded. A seeded entry has given
no notice yet (``_lifecycle`` rule 5). At most ``MAX_ENTRIES`` are seeded.

Rule 2 - one event is atomic: all of it, or none of it. An entry's ``apply`` checks
everything that can fail before it changes anything, and a new entry is stored only once
its first patch applied, so an event with one patch (nearly all of them) needs nothing
more. An event with several patches keeps a journal: the array's length, the open and
seeded entries, and each entry's slots before its patch (saving is reading the slots and
the sizes of its builders, ``_entries`` rule 1). If a patch fails, the journal is replayed
backwards: slots restored, builders truncated, new entries removed. The caller registers a
new parent and moves its cursors only after ``patch_entries`` returned.

Rule 3 - late data is kept. Real servers (Azure AI Agents among them) send data about a
message or step after its terminal object: a tool call's output in a step delta after
``thread.run.step.completed``, a delta after a ``thread.message.completed`` that said
``status: "in_progress"``. When the terminal object comes, each entry takes its values
(``adopt``); a later patch applies on top of them, is delivered as a delta (``_lifecycle``
rule 3), and its entry replaces that index of the terminal object, so the snapshots and
``get_final_*`` hold it. Nothing is created or done twice.
"""

from collections.abc import Sequence
from operator import attrgetter
from typing import Any, Final

from ._entries import Entry, Family
from ._lifecycle import Lifecycle, advance
from ._notices import Notice
from ._patch import MAX_ENTRIES, check_index, retype

__all__ = ["Parent", "patch_entries"]

_by_index: Final = attrgetter("index")


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
        """Make entries from a full object's array where none is yet (rule 1)."""
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
        """``entry`` gives its first notice next: supersede the others first.

        ``_lifecycle`` rule 1.
        """
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
        self.adopt(finals)

    def adopt(self, finals: Sequence[Any]) -> None:
        """Give each entry its value in the terminal object's ``finals`` (rule 3)."""
        entries = self.entries
        for index, final in enumerate(finals):
            entry = entries[index] if index < len(entries) else None
            if (
                entry is not None
                and final is not None
                and getattr(final, "type", None) == (entry.kind)
            ):
                entry.seed(final)

    def merge(self, late: Sequence[Entry]) -> None:
        """Put the entries a late event patched into the terminal object (rule 3)."""
        items = list(self.family.items_of(self.final))
        for entry in late:
            item = entry.item()
            if item is None:
                continue
            if entry.index < len(items):
                items[entry.index] = item
            else:
                items.append(item)
        self.final = self.family.with_items(self.final, tuple(items))

    def close(self, notices: list[Notice]) -> None:
        """The run ended: finish the entry streaming, then the seeded ones (``_lifecycle`` 4)."""
        current = self.open
        if current is not None:
            advance(current, current.state.finish, notices)
        for seeded in self.pending:
            advance(seeded, seeded.state.finish, notices)
        self.open = None
        self.pending = []


class _Journal:
    """What an event with several patches changed, to undo it if one fails (rule 2)."""

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
        InvalidDeltaError: a patch cannot be applied; then nothing changed (rule 2).
    """
    journal = _Journal(parent) if len(patches) > 1 else None
    entries = parent.entries
    late: list[Entry] | None = None  # made only for a late patch: deltas allocate nothing
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
                if patch.type != entry.kind:  # untyped (``_entries`` rule 2), else refused
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
            if parent.final is not None:  # a late patch of an ended message or step
                advance(entry, entry.state.finish, notices)
                parent.open = None
                late = [*late, entry] if late is not None else [entry]
            if entry.placed:
                _notice_placed(entry, notices, parent.lifecycle.wanted)
    except BaseException:
        if journal is not None:
            journal.undo()
        raise
    if late is not None:
        parent.merge(late)


def _notice_placed(entry: Entry, notices: list[Notice], wanted: Any) -> None:
    """The notices of the nested values a delta placed (``on_annotation``), then forget them."""
    callback = entry.placed_callback
    if callback is not None and callback in wanted:
        snapshot = entry.snapshot()
        notices.extend((callback, (value, snapshot)) for value in entry.placed)
    entry.placed = ()
