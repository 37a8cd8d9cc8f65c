"""Make aioresponses 0.7.9 work with aiohttp 3.14, without capping aiohttp.

Why: aioresponses does not run aiohttp's client machinery; it builds each mocked
``aiohttp.ClientResponse`` by hand (``RequestMatch._build_response``), passing the
constructor's keyword arguments itself. aiohttp 3.14 added a required keyword-only
``stream_writer`` argument to ``ClientResponse.__init__`` (for ``output_size``,
aio-libs/aiohttp#12452), which aioresponses 0.7.9 does not pass, so every mocked request fails
with ``TypeError: ClientResponse.__init__() missing 1 required keyword-only argument:
'stream_writer'`` (reported as pnuckowski/aioresponses#289; fixes proposed in #288 and #292).

The shim: ``CompatClientResponse`` is a ``ClientResponse`` whose ``__init__`` supplies a
stand-in writer (``output_size = 0``, all aiohttp reads from it when the request was already
sent) when the caller gives none. ``mocked()`` installs it as ``aioresponses.core``'s
``ClientResponse`` for the duration of an ``aioresponses()`` block, and only when
``shim_needed()`` says building a response the way aioresponses does fails for want of
``stream_writer``. Once aioresponses passes the argument (or on an aiohttp without it), the
probe succeeds, nothing is patched, and ``mocked()`` is a plain ``aioresponses()``.

Limits: a ``response_class=`` given to ``aioresponses.add`` bypasses the shim; aioresponses
feeds each body whole, so these mocks suit request-level tests, not chunking ones (bodies over
64 KiB also trip aiohttp 3.14's flow control in aioresponses, pnuckowski/aioresponses#292).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Iterator
from typing import Any
from unittest import mock

import aiohttp
import aioresponses.core as aioresponses_core
from aioresponses import aioresponses
from yarl import URL

__all__ = ["CompatClientResponse", "StandInStreamWriter", "mocked", "shim_needed"]

#: Whether this aiohttp's ``ClientResponse`` takes a ``stream_writer`` at all (3.14 and later).
TAKES_STREAM_WRITER = "stream_writer" in inspect.signature(aiohttp.ClientResponse).parameters


class StandInStreamWriter:
    """What ``ClientResponse`` reads from its ``stream_writer``: nothing was written."""

    output_size = 0


class CompatClientResponse(aiohttp.ClientResponse):
    """A ``ClientResponse`` that supplies a ``StandInStreamWriter`` when given no writer."""

    def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
        if TAKES_STREAM_WRITER:
            kwargs.setdefault("stream_writer", StandInStreamWriter())
        super().__init__(method, url, **kwargs)


@functools.cache
def shim_needed() -> bool:
    """Whether aioresponses, left alone, fails to build a response for want of ``stream_writer``.

    Probes aioresponses' own builder once, with aiohttp's real ``ClientResponse``.
    """
    url = URL("http://aioresponses-probe.invalid/")
    with mock.patch.object(aioresponses_core, "ClientResponse", aiohttp.ClientResponse):
        try:
            response = aioresponses_core.RequestMatch(url)._build_response(url)
        except TypeError as exc:
            if "stream_writer" in str(exc):
                return True
            raise
    response.close()
    return False


@contextlib.contextmanager
def mocked(**kwargs: Any) -> Iterator[aioresponses]:
    """An active ``aioresponses(**kwargs)``, with the shim installed if ``shim_needed()``."""
    with contextlib.ExitStack() as stack:
        if shim_needed():
            stack.enter_context(
                mock.patch.object(aioresponses_core, "ClientResponse", CompatClientResponse)
            )
        yield stack.enter_context(aioresponses(**kwargs))
