"""Which callbacks a stream's handlers have, and the one function that calls them.

Rule 1 - the table is built when a stream starts, once. A handler's callbacks are the
``on_*`` attributes it has at that moment, found by name on the instance, except
``EventHandler``'s own do-nothing defaults. So a method a subclass defines, a function
assigned to an instance, a callback patched onto the class (``unittest.mock.patch.object``)
and the children of ``AsyncMock(spec=EventHandler)`` are all called; a callback the handler
does not have costs nothing per event. Changes made after the stream started are not seen.

Rule 2 - one way to call. ``Dispatcher.run(notices)`` calls each notice's callbacks in
order, and awaits a result when it is awaitable: ``async def`` callbacks, plain ``def`` ones,
and plain ``def`` wrappers around coroutine functions (the usual decorators) all work. It is
the only code in the package that calls a callback. It owns no error policy: an exception
from a callback propagates to the stream, which reports it to ``on_exception`` once and
raises it again (see ``stream.py``).

Rule 3 - ``on_error`` may answer. ``run`` returns ``True`` when an ``on_error`` callback
returned ``True`` (awaited, for ``async def``), which tells the stream the server's error
event was handled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from inspect import isawaitable
from types import CoroutineType
from typing import Any, Final

from ._notices import ON_ERROR, Callback, Notice
from .handler import EventHandler

__all__ = ["Dispatcher", "Handlers", "callbacks_of", "handlers"]

#: What a stream accepts as its handler: one, several (called in order), or none.
Handlers = EventHandler | Iterable[EventHandler] | None

#: ``EventHandler``'s do-nothing callbacks, as defined (rule 1 compares against these, so
#: that patching the base class later is seen like any other callback).
DEFAULTS: Final = {callback: vars(EventHandler)[callback] for callback in Callback}

#: Each callback with its name as a plain ``str``: looking an attribute up by a ``str``
#: subclass (a ``Callback``) would turn the handler's attributes into a dict for good, and
#: CPython then no longer specialises ``self.x`` in the handler's own methods.
_NAMES: Final = tuple((callback, callback.value) for callback in Callback)

_Coroutine: Final = CoroutineType  # what an ``async def`` callback returns: no lookup needed


def handlers(handler: Handlers) -> tuple[EventHandler, ...]:
    """The handlers as a tuple, each checked to be an ``EventHandler`` instance."""
    if handler is None:
        return ()
    if isinstance(handler, EventHandler):
        return (handler,)
    items: tuple[object, ...] = tuple(handler) if isinstance(handler, Iterable) else (handler,)
    for item in items:
        if not isinstance(item, EventHandler):
            hint = " (pass an instance: Handler(), not Handler)" if isinstance(item, type) else ""
            raise TypeError(f"a handler must be an EventHandler instance, not {item!r}{hint}")
    return items  # type: ignore[return-value]  # every item was checked above


def callbacks_of(handler: EventHandler) -> Iterator[tuple[Callback, Callable[..., Any]]]:
    """Each callback ``handler`` has now, with the callable to call (rule 1)."""
    for callback, name in _NAMES:
        function = getattr(handler, name, None)
        if function is None:
            continue
        if getattr(function, "__func__", None) is DEFAULTS[callback]:
            continue  # the base class's default, bound to the handler
        yield callback, function


class Dispatcher:
    """Calls the callbacks of one or more handlers, in the order the handlers were given.

    Args:
        handlers: the handler instances, read once (rule 1).

    Attributes:
        wanted: every callback at least one handler has. The accumulator is built with it,
            so that it produces no notice nobody receives.
    """

    __slots__ = ("_table", "wanted")

    def __init__(self, handlers: Iterable[EventHandler]) -> None:
        calls: dict[Callback, list[Callable[..., Any]]] = {}
        for handler in handlers:
            for callback, function in callbacks_of(handler):
                calls.setdefault(callback, []).append(function)
        self._table = {callback: tuple(functions) for callback, functions in calls.items()}
        self.wanted = frozenset(calls)

    async def run(
        self,
        notices: Iterable[Notice],
        feed: Callable[[Any], Iterable[Notice]] | None = None,
        event: Any = None,
    ) -> bool:
        """Call the callbacks of each notice, in order (rule 2).

        Every notice must name a callback in ``wanted``.

        Args:
            notices: the notices to deliver first.
            feed: for an event, the accumulator's ``feed``: once ``notices`` (``on_event``)
                were delivered, ``feed(event)`` is called and its notices are delivered too,
                so ``on_event`` runs before the snapshots change, in one call per event.
            event: what ``feed`` is called with.

        Returns:
            Whether an ``on_error`` callback returned ``True`` (rule 3).
        """
        table = self._table
        handled = False
        while True:
            for callback, args in notices:
                for function in table[callback]:
                    result = function(*args)
                    if result is not None:
                        if type(result) is _Coroutine or isawaitable(result):
                            result = await result
                        if result is True and callback is ON_ERROR:
                            handled = True
            if feed is None:
                return handled
            notices, feed = feed(event), None

    async def call(self, callback: Callback, *args: Any) -> None:
        """Call one callback, if a handler has it: ``run`` with one notice."""
        if callback in self.wanted:
            await self.run(((callback, args),))
