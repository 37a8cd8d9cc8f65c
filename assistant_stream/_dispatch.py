"""Which callbacks a handler class overrides, computed once per class; how they are called.

Rule 1 - the table is built when the class is created (``EventHandler.__init_subclass__``
calls ``callback_table``): for each ``on_*`` name, the class's function if it overrides the
base class's, and whether it is a coroutine function. A callback the class does not override
is not in the table and costs nothing per event.

Rule 2 - one caller. ``Dispatcher.call`` is the only place a callback runs: in order, one at
a time, awaiting ``async def`` callbacks and calling plain ``def`` ones. It owns no error
policy of its own: an exception from a callback propagates to the stream, which reports it
to ``on_exception`` once and re-raises it (see ``stream.py``).
"""

from __future__ import annotations

import difflib
import inspect
import warnings
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .handler import EventHandler

__all__ = ["Dispatcher", "callback_table"]

#: A callback of a class: the function (unbound) and whether it must be awaited.
Entry = tuple[Callable[..., Any], bool]

_PREFIX: Final = "on_"


def callback_table(
    cls: type[EventHandler], base: type[EventHandler], names: Iterable[str]
) -> Mapping[str, Entry]:
    """The callbacks ``cls`` overrides, by name (rule 1).

    Also warns about methods that look like callbacks but are not (``on_text_deltas``), the
    usual reason an override is silently never called.
    """
    known = frozenset(names)
    table = {}
    for name in known:
        function = getattr(cls, name)
        if function is not getattr(base, name):
            table[name] = (function, inspect.iscoroutinefunction(function))
    for name in vars(cls):
        if name.startswith(_PREFIX) and name not in known and callable(vars(cls)[name]):
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            warnings.warn(
                f"{cls.__qualname__}.{name} is not an EventHandler callback and will never "
                f"be called{hint}",
                UserWarning,
                stacklevel=3,
            )
    return MappingProxyType(table)


class Dispatcher:
    """Calls the callbacks of one or more handlers (fan-out, in the order given).

    Args:
        handlers: the handler instances. Each contributes the callbacks its class overrides.

    Attributes:
        names: every callback name at least one handler overrides. The accumulator uses it
            to skip notices nobody receives.
        table: name -> the ``(bound callback, is_async)`` pairs to run, for loops that inline
            ``call`` (the stream's per-event loop); only names in ``names`` are keys.
    """

    __slots__ = ("names", "table")

    def __init__(self, handlers: Iterable[EventHandler]) -> None:
        calls: dict[str, list[Entry]] = {}
        for handler in handlers:
            for name, (function, is_async) in type(handler)._callback_table.items():
                calls.setdefault(name, []).append((function.__get__(handler), is_async))
        self.table = {name: tuple(entries) for name, entries in calls.items()}
        self.names = frozenset(calls)

    async def call(self, name: str, args: tuple[Any, ...]) -> None:
        """Run every handler's ``name`` callback with ``args``, in order."""
        for function, is_async in self.table.get(name, ()):
            if is_async:
                await function(*args)
            else:
                function(*args)
