"""The aiohttp boundary: send a request, retry it, check the answer, read and release the body.

This is the only module that calls aiohttp or sees its exceptions. Every aiohttp exception
is mapped here, once, to this package's tree (``errors``), with the original as
``__cause__``:

- before the response headers: connection failures become ``APIConnectionError``, timeouts
  ``APITimeoutError`` (``kind`` ``"connect"``, ``"read"`` or ``"total"``). Each is also
  classed as a ``_retry.Failure`` for the retry rule: aiohttp's connector errors (refused,
  DNS, TLS, proxy) and connect timeouts are ``UNSENT``, since the request never left;
  everything else (a read timeout, ``ServerDisconnectedError``, a ``ClientOSError`` after
  sending) is ``UNANSWERED``, since the server may have acted; the total timeout is
  ``SPENT``;
- a failed attempt, or an error status, is sent again at most ``max_retries`` times, and
  only as ``_retry.should_retry`` rules: every request after ``UNSENT`` or a 408, 409, 429
  or 503; a request that does not start a run (``Request.creates_run``), or any request
  under ``RetryPolicy(unsafe_run_retries=True)``, also after ``UNANSWERED`` or another 5xx;
  none after ``SPENT``; the server's ``x-should-retry: true`` or ``false`` overrides the
  status. Each retry is logged at INFO on the ``assistant_stream`` logger;
- an error status becomes the ``APIStatusError`` subclass for it, and a success status that
  is not ``text/event-stream`` (for a stream) ``UnexpectedResponseError``: the body is read
  (at most ``MAX_ERROR_BODY`` bytes), parsed if it is JSON, and never reaches the SSE decoder;
- during a stream (``HttpBody.translate``): a lost connection or a cut chunked body is a
  ``ConnectionLost`` (the stream raises ``StreamInterrupted`` with what it received), a
  timeout an ``APITimeoutError``. Nothing is retried once a stream has
  started: sending a run request again would start a second run.

Secrets never leave: requests are named by method and URL without query string or user
info, and the client's credentials are masked in every text quoted from a response, from an
aiohttp exception raised before the response headers, and in every retry logged; during a
stream, the stream masks them in every error it raises (``HttpBody.secrets``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Final

import aiohttp
import attrs
import orjson
from aiohttp.http_exceptions import HttpProcessingError
from yarl import URL

from . import _retry
from ._body import ConnectionLost
from ._config import RetryPolicy, Timeout
from ._error_base import excerpt, mask
from ._retry import Failure
from .errors import (
    APIConnectionError,
    APIResponseError,
    APIStatusError,
    APITimeoutError,
    AssistantStreamError,
    ConfigurationError,
    UnexpectedResponseError,
    error_for_status,
)

__all__ = [
    "DRAIN_SECONDS",
    "MAX_ERROR_BODY",
    "HttpBody",
    "Request",
    "fetch",
    "open_stream",
    "send",
]

logger = logging.getLogger("assistant_stream")

#: How long a finished stream waits for the rest of its body (the chunked terminator, which
#: usually comes with ``done``) so the connection can go back to the pool; then it closes.
DRAIN_SECONDS: Final = 0.5
#: The most of an error body that is read: error objects are small, a proxy's HTML page
#: need not be read whole.
MAX_ERROR_BODY: Final = 64 * 1024
EVENT_STREAM: Final = "text/event-stream"


@attrs.frozen
class Request:
    """One request, ready to send (the credentials are added per attempt).

    Attributes:
        method: ``"GET"``, ``"POST"`` or ``"DELETE"``.
        url: the absolute URL, without the query.
        query: the query parameters, in order (a key may repeat, as ``include[]`` does).
        headers: every header but the credentials.
        body: the JSON body, encoded, or ``None``.
        timeout: the limits for this request.
        stream: whether the answer must be an event stream.
        creates_run: whether the request starts a run, so that sending it twice may start
            two: it is then resent only after failures the server did not act on (see
            ``_retry``). Set by the resources, never guessed from the URL.
    """

    method: str
    url: URL
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = attrs.field(factory=dict)
    body: bytes | None = None
    timeout: Timeout = attrs.field(factory=Timeout)
    stream: bool = False
    creates_run: bool = False

    @property
    def name(self) -> str:
        """The method and URL, safe for messages and logs (no query, no user info)."""
        return f"{self.method} {self.url.with_user(None).with_query(None)}"


#: Returns the credential headers for one attempt (a token may be refreshed between two).
AuthHeaders = Callable[[], Awaitable[Mapping[str, str]]]


async def send(
    session: aiohttp.ClientSession,
    request: Request,
    *,
    auth: AuthHeaders,
    retry: RetryPolicy,
    secrets: Callable[[], Iterable[str]] = tuple,
) -> aiohttp.ClientResponse:
    """Send ``request``, retrying as ``retry`` allows; return an accepted response.

    The response has a success status and, for a stream, the event-stream content type.
    The caller owns it: release or close it.

    Raises:
        APIConnectionError: no response (``APITimeoutError`` for a timeout).
        APIStatusError: an error status, after the retries the status allows.
        UnexpectedResponseError: a stream request answered with something else.
    """
    timeout = aiohttp.ClientTimeout(
        total=request.timeout.total,
        sock_connect=request.timeout.connect,
        sock_read=request.timeout.read,
    )
    attempt = 0
    while True:
        headers = {**request.headers, **await auth()}
        try:
            response = await session.request(
                request.method,
                request.url,
                params=request.query,
                data=request.body,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
            )
        except Exception as exc:
            error, failure = _connection_error(exc, request, secrets())
            if (
                failure is not None
                and attempt < retry.max_retries
                and _retry.should_retry(failure, {}, creates_run=request.creates_run, policy=retry)
            ):
                await _pause(request, retry, attempt, str(error), None, secrets())
                attempt += 1
                continue
            raise error from exc
        if 200 <= response.status < 300 and (
            not request.stream or response.content_type == EVENT_STREAM
        ):
            return response
        error = await _response_error(response, request, secrets())
        if (
            isinstance(error, APIStatusError)
            and attempt < retry.max_retries
            and _retry.should_retry(
                response.status, response.headers, creates_run=request.creates_run, policy=retry
            )
        ):
            requested = _retry.retry_after(response.headers)
            await _pause(request, retry, attempt, str(error), requested, secrets())
            attempt += 1
            continue
        raise error


async def _pause(
    request: Request,
    retry: RetryPolicy,
    attempt: int,
    reason: str,
    requested: float | None,
    secrets: Iterable[str],
) -> None:
    wait = _retry.delay(retry, attempt, requested)
    logger.info(
        "retrying %s in %.2f s (retry %d of %d) after: %s",
        request.name,
        wait,
        attempt + 1,
        retry.max_retries,
        mask(reason, secrets),
    )
    await asyncio.sleep(wait)


def _connection_error(
    exc: Exception, request: Request, secrets: Iterable[str]
) -> tuple[AssistantStreamError, _retry.Failure | None]:
    """Map what ``session.request`` raised, and class it for the retry rule.

    Anything unknown is a connection error too, after sending (``UNANSWERED``). The failure
    is ``None`` for an error that no attempt can mend (this package's own, a bad URL).
    """
    name, timeout = request.name, request.timeout
    if isinstance(exc, AssistantStreamError):
        return exc, None
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return APITimeoutError("connect", timeout.connect, request=name), Failure.UNSENT
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return APITimeoutError("read", timeout.read, request=name), Failure.UNANSWERED
    if isinstance(exc, TimeoutError):
        return APITimeoutError("total", timeout.total, request=name), Failure.SPENT
    if isinstance(exc, aiohttp.InvalidURL):
        return ConfigurationError(f"the URL is not valid: {name}"), None
    what = "TLS failed" if isinstance(exc, aiohttp.ClientSSLError) else "the request failed"
    message = mask(f"{what}: {type(exc).__name__}: {exc}", secrets)
    unsent = isinstance(exc, aiohttp.ClientConnectorError)
    return APIConnectionError(message, request=name), (
        Failure.UNSENT if unsent else Failure.UNANSWERED
    )


async def _response_error(
    response: aiohttp.ClientResponse, request: Request, secrets: Iterable[str]
) -> APIResponseError:
    """Read the (capped) body of a refused response, release it, and build the error."""
    try:
        raw = await _read_capped(response)
    finally:
        if response.content.at_eof():
            response.release()
        else:
            response.close()
    text = mask(raw.decode("utf-8", "replace"), secrets)
    body: object
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError:
        body = excerpt(text.strip())
    request_id = response.headers.get("x-request-id")
    if 200 <= response.status < 300:
        return UnexpectedResponseError(
            response.status,
            body,
            request=request.name,
            request_id=request_id,
            content_type=response.headers.get("content-type") and response.content_type,
        )
    return error_for_status(response.status)(
        response.status, body, request=request.name, request_id=request_id
    )


async def _read_capped(response: aiohttp.ClientResponse) -> bytes:
    pieces: list[bytes] = []
    size = 0
    try:
        while size < MAX_ERROR_BODY and (piece := await response.content.readany()):
            pieces.append(piece)
            size += len(piece)
    except (aiohttp.ClientError, HttpProcessingError, TimeoutError):
        pass  # the status says enough; keep what arrived
    return b"".join(pieces)[:MAX_ERROR_BODY]


async def fetch(
    session: aiohttp.ClientSession,
    request: Request,
    *,
    auth: AuthHeaders,
    retry: RetryPolicy,
    secrets: Callable[[], Iterable[str]] = tuple,
) -> bytes:
    """Send a plain request (see ``send``) and return its whole body."""
    response = await send(session, request, auth=auth, retry=retry, secrets=secrets)
    try:
        return await response.read()
    except Exception as exc:
        raise _connection_error(exc, request, secrets())[0] from exc
    finally:
        response.release()


async def open_stream(
    session: aiohttp.ClientSession,
    request: Request,
    *,
    auth: AuthHeaders,
    retry: RetryPolicy,
    secrets: Callable[[], Iterable[str]] = tuple,
) -> HttpBody:
    """Send a stream request (see ``send``) and return its body for ``AssistantStream``."""
    response = await send(session, request, auth=auth, retry=retry, secrets=secrets)
    return HttpBody(response, request, secrets)


class HttpBody:
    """An event-stream response body: the ``Body`` an ``AssistantStream`` reads over HTTP.

    ``read`` is aiohttp's own ``readany``: the chunks as they arrive, ``b""`` at the end.
    """

    empty_read_ends = True
    chains = False

    def __init__(
        self,
        response: aiohttp.ClientResponse,
        request: Request,
        secrets: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self._response = response
        self._timeout = request.timeout
        self._secrets = secrets
        self.read: Callable[[], Awaitable[bytes]] = response.content.readany
        self.event_idle = request.timeout.event_idle
        self.request = request.name

    def __repr__(self) -> str:
        return f"<HttpBody {self.request} {self._response.status}>"

    def translate(self, exc: Exception) -> BaseException | ConnectionLost:
        """Map an exception raised while reading the body (see the module docstring)."""
        if isinstance(exc, AssistantStreamError):
            return exc  # the event_idle watchdog's, or a callback's
        if isinstance(exc, aiohttp.ServerTimeoutError):
            return APITimeoutError("read", self._timeout.read, request=self.request)
        if isinstance(exc, TimeoutError):
            return APITimeoutError("total", self._timeout.total, request=self.request)
        if isinstance(exc, aiohttp.ClientError | HttpProcessingError | OSError):
            return ConnectionLost(f"the connection was lost ({type(exc).__name__}: {exc})")
        return exc

    def secrets(self) -> tuple[str, ...]:
        """The client's credentials, masked in every error the stream raises."""
        return tuple(self._secrets())

    def interrupt(self, exc: BaseException) -> None:
        """Make the pending and every later ``read()`` raise ``exc`` (if the body is open)."""
        if not self._response.closed and self._response.content.exception() is None:
            self._response.content.set_exception(exc)

    async def aclose(self, *, finished: bool) -> None:
        """Release the connection for reuse after a finished stream, else close it at once.

        A finished stream's body is read to its end for at most ``DRAIN_SECONDS``. Closing
        (on error or cancellation) is synchronous, so cancellation cannot stop it halfway.
        """
        response = self._response
        content = response.content
        reusable = False
        try:
            if finished and not content.at_eof() and content.exception() is None:
                async with asyncio.timeout(DRAIN_SECONDS):
                    while await content.readany():
                        pass
            reusable = finished and content.at_eof()
        except (aiohttp.ClientError, HttpProcessingError, TimeoutError):
            pass  # not reusable: closed below
        finally:
            if reusable:
                response.release()
            else:
                response.close()
