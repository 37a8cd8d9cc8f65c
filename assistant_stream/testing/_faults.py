"""Fault injection: what can go wrong between a server and its client, as one frozen value.

A ``Fault`` says how the server misbehaves on the requests it matches; every field left at
its default changes nothing, so ``Fault(latency=2.0)`` is only slow. The server applies
faults given at construction (``AssistantServer(faults=...)``: to every matching request)
and faults injected later (``server.inject(fault)``: to the next ones), the injected first,
in the order they were injected.

Rule 1 - a fault matches the requests ``on`` names: ``"stream"`` (the default) is every
request that asks for ``"stream": true``, ``"any"`` every request. It applies ``times``
times (``None``: always), then it is spent. Each request takes one fault: the first that
matches and is not spent.

Rule 2 - the fields combine, in the order of the table below: a status answers before any
stream exists (nothing is created: the server did not act); the others shape the stream.

=========================  ==============================================================
field                      what the client sees
=========================  ==============================================================
``status``, ``body``,      this status and JSON body (default: the service's body for the
``headers``                status) with these headers (``{"Retry-After": "2"}``) instead
                           of the answer; ``status=200`` with a body is a JSON answer to
                           a stream request
``latency``                silence for so many seconds before the status line
``event_delay``            silence for so many seconds before each event
``keepalive``              a ``: keep-alive`` comment before the first event, and one
                           every ``keepalive`` seconds of silence
``error_event``,           after ``error_after`` events, an ``error`` event with this
``error_after``            error object (``code``, ``message``); the body ends there
``truncate_after_events``  the connection closes after so many events, with no ``done``
``truncate_after_bytes``   the connection closes after so many bytes of the body (a BOM
                           included)
``chunk``                  how the body is cut into writes: ``"event"`` (one event per
                           write, the default), ``"byte"``, or a size in bytes
``crlf``                   lines end with CR LF instead of LF
``bom``                    the body starts with a UTF-8 byte-order mark
=========================  ==============================================================

A stream cut short by a fault still leaves the run where the service would leave it: the
server plays the rest of the turn without sending it, as the service goes on with a run
whose client left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, Literal

import attrs

from assistant_stream.errors import ConfigurationError

__all__ = ["Fault", "Faults"]

_TARGETS: Final = ("stream", "any")


def _non_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and value < 0:
        raise ConfigurationError(f"Fault.{attribute.name} must be >= 0, got {value!r}")


def _status(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not 100 <= value <= 599:
        raise ConfigurationError(f"Fault.status must be an HTTP status, got {value!r}")


def _chunk(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value in ("event", "byte"):
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"Fault.chunk is 'event', 'byte' or a size >= 1, got {value!r}")


def _target(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if value not in _TARGETS:
        raise ConfigurationError(f"Fault.on is one of {_TARGETS}, got {value!r}")


def _frozen_headers(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(value or {}))


@attrs.frozen(kw_only=True)
class Fault:
    """How the server misbehaves on the requests it matches (see the module's table).

    Raises:
        ConfigurationError: a field out of range (a negative delay, a status that is not
            HTTP's, a chunk size below 1, an unknown ``on``), or one that would do nothing
            without another (``body`` or ``headers`` without ``status``, ``error_after``
            without ``error_event``).
    """

    status: int | None = attrs.field(default=None, validator=_status)
    body: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_headers)
    latency: float = attrs.field(default=0.0, validator=_non_negative)
    event_delay: float = attrs.field(default=0.0, validator=_non_negative)
    keepalive: float | None = attrs.field(default=None, validator=_non_negative)
    error_event: Mapping[str, Any] | None = None
    error_after: int = attrs.field(default=0, validator=_non_negative)
    truncate_after_events: int | None = attrs.field(default=None, validator=_non_negative)
    truncate_after_bytes: int | None = attrs.field(default=None, validator=_non_negative)
    chunk: Literal["event", "byte"] | int = attrs.field(default="event", validator=_chunk)
    crlf: bool = False
    bom: bool = False
    on: Literal["stream", "any"] = attrs.field(default="stream", validator=_target)
    times: int | None = attrs.field(default=None, validator=_non_negative)

    def __attrs_post_init__(self) -> None:
        if self.status is None and (self.body is not None or self.headers):
            raise ConfigurationError("Fault.body and Fault.headers need a Fault.status")
        if self.error_event is None and self.error_after:
            raise ConfigurationError("Fault.error_after needs a Fault.error_event")

    def matches(self, streaming: bool) -> bool:
        """Whether the fault applies to a request (``streaming``: it asked for a stream)."""
        return self.on == "any" or streaming


#: What no fault changes: the server's own behaviour.
NO_FAULT: Final = Fault()


@attrs.define
class _Entry:
    fault: Fault
    left: int | None  # the times it still applies (None: always)


class Faults:
    """The server's faults: the injected ones, then the standing ones, with their counts."""

    def __init__(self, standing: Iterable[Fault]) -> None:
        self._entries = [_Entry(fault, fault.times) for fault in standing]
        self._injected = 0

    def inject(self, fault: Fault) -> None:
        """Apply ``fault`` after the faults injected before it, before the standing ones."""
        self._entries.insert(self._injected, _Entry(fault, fault.times))
        self._injected += 1

    def take(self, streaming: bool) -> Fault:
        """The fault for one request (the first that matches), counting it once."""
        for entry in self._entries:
            if entry.left == 0 or not entry.fault.matches(streaming):
                continue
            if entry.left is not None:
                entry.left -= 1
            return entry.fault
        return NO_FAULT
