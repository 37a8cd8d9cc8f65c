"""Which callbacks a handler class overrides, computed once per class; how they are called.

Rule 1 - the table is built when the class is created (``EventHandler.__init_subclass__``
calls ``overridden``): the ``on_*`` names whose definition, found along the class's MRO,
is not the base class's. A callback the class does not override costs nothing per event.

Rule 2 - one way to call. A callback is looked up on the instance (so ``staticmethod`` and
``classmethod`` callbacks work), called with its arguments, and its result awaited when it
is awaitable: ``async def`` callbacks, plain ``def`` ones, and plain ``def`` wrappers around
coroutine functions (the usual decorators) all work. Callbacks run one at a time, in
order. ``Dispatcher.call`` owns no error policy: an exception from a callback propagates to
the stream, which reports it to ``on_exception`` once and re-raises it (see ``stream.py``).
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable, Iterable
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, Final

from ._notices import Callback

if TYPE_CHECKING:
    from .handler import EventHandler

__all__ = ["Dispatcher", "isawaitable", "overridden"]

_PREFIX: Final = "on_"


def overridden(
    cls: type[EventHandler], base: type[EventHandler], names: Iterable[str]
) -> frozenset[str]:
    """The callback names ``cls`` overrides (rule 1).

    Also warns about methods that look like callbacks but are not (``on_text_deltas``), the
    usual reason an override is silently never called.
    """
    known = frozenset(names)
    found = set()
    for name in known:
        owner = next(klass for klass in cls.__mro__ if name in vars(klass))
        if owner is not base:
            found.add(name)
    for name, value in vars(cls).items():
        if name.startswith(_PREFIX) and name not in known and callable(value):
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            warnings.warn(
                f"{cls.__qualname__}.{name} is not an EventHandler callback and will never "
                f"be called{hint}",
                UserWarning,
                stacklevel=3,
            )
    return frozenset(found)


class Dispatcher:
    """Calls the callbacks of one or more handlers (fan-out, in the order given).

    Args:
        handlers: the handler instances. Each contributes the callbacks its class overrides.

    Attributes:
        names: every callback name at least one handler overrides. The accumulator uses it
            to skip notices nobody receives.
        table: name -> the bound callbacks to run, for loops that inline ``call`` (the
            stream's per-event loop); only names in ``names`` are keys.
    """

    __slots__ = ("names", "table")

    def __init__(self, handlers: Iterable[EventHandler]) -> None:
        calls: dict[Callback, list[Callable[..., Any]]] = {}
        for handler in handlers:
            for name in type(handler)._callback_names:
                calls.setdefault(Callback(name), []).append(getattr(handler, name))
        self.table = {name: tuple(functions) for name, functions in calls.items()}
        self.names = frozenset(calls)

    async def call(self, name: Callback, args: tuple[Any, ...]) -> None:
        """Run every handler's ``name`` callback with ``args``, in order (rule 2)."""
        for function in self.table.get(name, ()):
            result = function(*args)
            if result is not None and isawaitable(result):
                await result
