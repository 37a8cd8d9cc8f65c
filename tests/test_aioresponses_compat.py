"""Tests for tests/aioresponses_compat.py: the shim is needed, or it stays out of the way."""

from __future__ import annotations

import asyncio

import aiohttp
import aioresponses.core as aioresponses_core
import pytest
from aiohttp.helpers import TimerNoop
from aioresponses import aioresponses
from aioresponses_compat import (
    TAKES_STREAM_WRITER,
    CompatClientResponse,
    mocked,
    shim_needed,
)
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

URL_ = URL("http://compat.test/path")


async def get(url: URL) -> tuple[int, bytes]:
    """GET ``url`` with a fresh session; return the status and body."""
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.read()


async def test_probe_matches_what_plain_aioresponses_does() -> None:
    """shim_needed() is true exactly when unpatched aioresponses fails for want of stream_writer."""
    failure: TypeError | None = None
    with aioresponses() as m:
        m.get(URL_, body=b"ok")
        try:
            await get(URL_)
        except TypeError as exc:
            failure = exc
    assert shim_needed() == (failure is not None)
    if failure is not None:
        assert "stream_writer" in str(failure)


async def test_mocked_requests_work() -> None:
    """Through mocked(), a request gets its scripted status, body and headers."""
    with mocked() as m:
        m.get(URL_, status=201, body=b"hello", headers={"X-Reply": "1"})
        async with aiohttp.ClientSession() as session, session.get(URL_) as response:
            answer = (response.status, await response.read(), response.headers["X-Reply"])
    assert (201, b"hello", "1") == answer


async def test_patch_is_applied_only_when_needed_and_undone() -> None:
    """Inside mocked(), aioresponses builds CompatClientResponse only if needed; after, the real."""
    expected = CompatClientResponse if shim_needed() else aiohttp.ClientResponse
    with mocked():
        inside = aioresponses_core.ClientResponse  # type: ignore[attr-defined]
    after = aioresponses_core.ClientResponse  # type: ignore[attr-defined]
    assert (expected, aiohttp.ClientResponse) == (inside, after)


def build(**stream_writer: object) -> CompatClientResponse:
    """A response built by hand as aioresponses does (the request already sent)."""
    return CompatClientResponse(
        "GET",
        URL_,
        writer=None,
        continue100=None,
        timer=TimerNoop(),
        request_info=aiohttp.RequestInfo(URL_, "GET", CIMultiDictProxy(CIMultiDict()), URL_),
        traces=[],
        loop=asyncio.get_running_loop(),
        session=None,
        **stream_writer,
    )


@pytest.mark.skipif(not TAKES_STREAM_WRITER, reason="this aiohttp has no stream_writer")
@pytest.mark.parametrize(("given_writer", "expected"), [(False, 0), (True, 7)])
async def test_stream_writer_is_supplied_only_when_missing(
    given_writer: bool, expected: int
) -> None:
    """Without a stream_writer the stand-in reports 0 bytes sent; a given writer is kept."""

    class Seven:
        output_size = 7

    response = build(**({"stream_writer": Seven()} if given_writer else {}))
    try:
        with pytest.warns(DeprecationWarning, match="output_size"):
            assert expected == response.output_size
    finally:
        response.close()
