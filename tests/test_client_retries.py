"""Tests for assistant_stream._transport through AssistantClient: retry counts, logs, secrets.

Request-level, over aioresponses (``aioresponses_compat``) with ``FAST_RETRY`` (two retries,
millisecond backoff): what is retried and how often, which aiohttp exceptions count as "the
request never left" (retried even for a run request) and which as "the server may have
acted" (not retried for one), which resources start runs, what the retries log, and that
the API key shows up in no error message and no log record, even when the server or an
aiohttp exception echoes it. The same rule over real HTTP is ``test_client_run_retries``.
"""

from __future__ import annotations

import logging
import socket
import ssl
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from mock_http import (
    ANY_URL,
    API_KEY,
    BASE_URL,
    DONE,
    MESSAGE_JSON,
    RUN_JSON,
    SSE,
    THREAD_JSON,
    client,
    sent,
)

from assistant_stream import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AssistantClient,
    AssistantStreamError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    RetryPolicy,
    UnexpectedResponseError,
)

pytestmark = pytest.mark.usefixtures("clean_env")

RUNS_URL = f"{BASE_URL}/threads/thread_1/runs"
THREADS_URL = f"{BASE_URL}/threads"


async def create_thread(**kwargs: object) -> None:
    """Create a thread with a fresh ``client(**kwargs)``, closing it."""
    async with client(**kwargs) as api:
        await api.threads.create()


async def start_run() -> None:
    """Stream a run of thread_1 to its end with a fresh ``client()``, closing it."""
    async with client() as api, api.threads.runs.stream("thread_1", assistant_id="a") as run:
        await run.until_done()


# -- what is retried -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
async def test_retryable_status_then_success(http: aioresponses, status: int) -> None:
    """A retryable status is sent again; the success that follows is the answer."""
    http.post(THREADS_URL, status=status, payload={"error": {"message": "later"}})
    http.post(THREADS_URL, payload=THREAD_JSON)
    await create_thread()
    assert 2 == len(sent(http))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_error_not_retried(http: aioresponses, status: int) -> None:
    """A client error other than 408, 409 and 429 is raised after one request."""
    http.post(THREADS_URL, status=status, payload={"error": {"message": "no"}}, repeat=True)
    with pytest.raises(APIStatusError) as caught:
        await create_thread()
    assert (status, 1) == (caught.value.status_code, len(sent(http)))


async def test_retries_run_out(http: aioresponses) -> None:
    """Three 500s with max_retries=2: three requests, then InternalServerError."""
    http.post(THREADS_URL, status=500, payload={"error": {"message": "down"}}, repeat=True)
    with pytest.raises(InternalServerError, match="down"):
        await create_thread()
    assert 3 == len(sent(http))


async def test_stream_request_retried_before_it_starts(http: aioresponses) -> None:
    """A stream request answered 503 is sent again, and the stream then runs."""
    http.post(RUNS_URL, status=503)
    http.post(RUNS_URL, body=DONE, content_type=SSE)
    await start_run()
    assert 2 == len(sent(http))


@pytest.mark.parametrize(
    ("status", "verdict", "requests"), [(500, "false", 1), (400, "true", 3), (503, "maybe", 3)]
)
async def test_x_should_retry_decides(
    http: aioresponses, status: int, verdict: str, requests: int
) -> None:
    """x-should-retry: true or false overrides the status; another value does not."""
    headers = {"x-should-retry": verdict}
    http.post(THREADS_URL, status=status, headers=headers, repeat=True)
    with pytest.raises(APIStatusError):
        await create_thread()
    assert requests == len(sent(http))


async def test_max_retries_zero_sends_once(http: aioresponses) -> None:
    """max_retries=0 turns retrying off."""
    http.post(THREADS_URL, status=429, repeat=True)
    with pytest.raises(APIStatusError):
        await create_thread(retry_policy=RetryPolicy(max_retries=0))
    assert 1 == len(sent(http))


async def test_connection_error_retried_then_raised(http: aioresponses) -> None:
    """A connection error is retried; the last becomes APIConnectionError, caused by aiohttp's."""
    failure = aiohttp.ClientConnectionError("refused")
    http.post(THREADS_URL, exception=failure, repeat=True)
    with pytest.raises(APIConnectionError) as caught:
        await create_thread()
    assert (3, failure, f"POST {THREADS_URL}") == (
        len(sent(http)),
        caught.value.__cause__,
        caught.value.request,
    )


async def test_connection_error_then_success(http: aioresponses) -> None:
    """A refused connection followed by an answer is invisible to the caller."""
    http.post(RUNS_URL, exception=refused())
    http.post(RUNS_URL, body=DONE, content_type=SSE)
    await start_run()
    assert 2 == len(sent(http))


async def test_total_timeout_not_retried(http: aioresponses) -> None:
    """A total timeout spent its budget: one request, then APITimeoutError(kind="total")."""
    http.post(THREADS_URL, timeout=True, repeat=True)
    with pytest.raises(APITimeoutError) as caught:
        await create_thread()
    assert ("total", 1) == (caught.value.kind, len(sent(http)))


# -- which aiohttp exceptions mean "never sent" ---------------------------------------------

#: What aiohttp's connector errors carry: the host, port and TLS setting they name.
KEY: Any = SimpleNamespace(host="api.test", port=443, ssl=True, is_ssl=True)


def refused() -> aiohttp.ClientConnectorError:
    """The error aiohttp raises when nothing listens on the port."""
    return aiohttp.ClientConnectorError(KEY, ConnectionRefusedError(111, "Connection refused"))


DNS_ERROR = getattr(aiohttp, "ClientConnectorDNSError", aiohttp.ClientConnectorError)
#: Raised before the request was sent: every request is retried after these.
UNSENT: dict[str, Callable[[], Exception]] = {
    "refused": refused,
    "DNS": lambda: DNS_ERROR(KEY, socket.gaierror(-2, "Name or service not known")),
    "TLS": lambda: aiohttp.ClientConnectorSSLError(KEY, ssl.SSLError(1, "wrong version")),
    "certificate": lambda: aiohttp.ClientConnectorCertificateError(
        KEY, ssl.SSLCertVerificationError(1, "certificate verify failed")
    ),
    "proxy": lambda: aiohttp.ClientProxyConnectionError(KEY, ConnectionRefusedError(111, "no")),
    "connect timeout": lambda: aiohttp.ConnectionTimeoutError("Connection timeout to host"),
}
#: Raised after the request was (or may have been) sent: a run request is not retried.
UNANSWERED: dict[str, Callable[[], Exception]] = {
    "disconnected": aiohttp.ServerDisconnectedError,
    "reset": lambda: aiohttp.ClientOSError(104, "Connection reset by peer"),
    "read timeout": lambda: aiohttp.SocketTimeoutError("Timeout on reading data from socket"),
    "payload": lambda: aiohttp.ClientPayloadError("Response payload is not completed"),
    "other": lambda: aiohttp.ClientConnectionError("reset"),
}


@pytest.mark.parametrize("make", UNSENT.values(), ids=UNSENT)
@pytest.mark.parametrize("url", [RUNS_URL, THREADS_URL], ids=["run", "other"])
async def test_unsent_failures_retried_for_every_request(
    http: aioresponses, make: Callable[[], Exception], url: str
) -> None:
    """A connector error or connect timeout is retried, even for a run request."""
    http.post(url, exception=make(), repeat=True)
    with pytest.raises(APIConnectionError):
        await (start_run() if url == RUNS_URL else create_thread())
    assert 3 == len(sent(http))


@pytest.mark.parametrize("make", UNANSWERED.values(), ids=UNANSWERED)
@pytest.mark.parametrize(
    ("url", "requests"), [(RUNS_URL, 1), (THREADS_URL, 3)], ids=["run", "other"]
)
async def test_unanswered_failures_retried_except_for_a_run_request(
    http: aioresponses, make: Callable[[], Exception], url: str, requests: int
) -> None:
    """A failure after sending is retried for other requests, and raised at once for a run."""
    http.post(url, exception=make(), repeat=True)
    with pytest.raises(APIConnectionError):
        await (start_run() if url == RUNS_URL else create_thread())
    assert requests == len(sent(http))


async def test_unanswered_failure_retried_for_a_run_request_when_opted_in(
    http: aioresponses,
) -> None:
    """With unsafe_run_retries, a run request is retried after a connection lost after sending."""
    http.post(RUNS_URL, exception=aiohttp.ServerDisconnectedError(), repeat=True)
    policy = RetryPolicy(max_retries=2, initial_delay=0, max_delay=0, unsafe_run_retries=True)
    with pytest.raises(APIConnectionError):
        async with client(retry_policy=policy) as api:
            await api.threads.runs.stream("thread_1", assistant_id="a").until_done()
    assert 3 == len(sent(http))


# -- which requests start a run ---------------------------------------------------------------

Call = Callable[[AssistantClient], Awaitable[Any]]
STREAMED: dict[str, Any] = {"body": DONE, "content_type": SSE}
LIST_JSON = {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
#: Every resource call: its method, the call, how many requests three 500s in a row cost it
#: (one for the three that start a run, 1 + max_retries for the others), and a success.
CALLS: dict[str, tuple[str, Call, int, dict[str, Any]]] = {
    "runs.stream": (
        "POST",
        lambda api: api.threads.runs.stream("thread_1", assistant_id="a").until_done(),
        1,
        STREAMED,
    ),
    "create_and_run_stream": (
        "POST",
        lambda api: api.threads.create_and_run_stream(assistant_id="a").until_done(),
        1,
        STREAMED,
    ),
    "submit_tool_outputs_stream": (
        "POST",
        lambda api: api.threads.runs.submit_tool_outputs_stream(
            "thread_1", "run_1", tool_outputs=[]
        ).until_done(),
        1,
        STREAMED,
    ),
    "threads.create": ("POST", lambda api: api.threads.create(), 3, {"payload": THREAD_JSON}),
    "messages.create": (
        "POST",
        lambda api: api.threads.messages.create("thread_1", content="hi"),
        3,
        {"payload": MESSAGE_JSON},
    ),
    "runs.cancel": (
        "POST",
        lambda api: api.threads.runs.cancel("thread_1", "run_1"),
        3,
        {"payload": RUN_JSON},
    ),
    "runs.retrieve": (
        "GET",
        lambda api: api.threads.runs.retrieve("thread_1", "run_1"),
        3,
        {"payload": RUN_JSON},
    ),
    "messages.list": (
        "GET",
        lambda api: api.threads.messages.list("thread_1"),
        3,
        {"payload": LIST_JSON},
    ),
}


@pytest.mark.parametrize(("method", "call", "requests", "answer"), CALLS.values(), ids=CALLS)
async def test_only_run_requests_are_guarded(
    http: aioresponses, method: str, call: Call, requests: int, answer: dict[str, Any]
) -> None:
    """A 500 is retried for every request but the three that start a run."""
    http.add(ANY_URL, method, status=500, payload={"error": {"message": "down"}}, repeat=True)
    with pytest.raises(InternalServerError):
        async with client() as api:
            await call(api)
    assert requests == len(sent(http))


@pytest.mark.parametrize(("method", "call", "requests", "answer"), CALLS.values(), ids=CALLS)
async def test_every_request_retried_after_a_503(
    http: aioresponses, method: str, call: Call, requests: int, answer: dict[str, Any]
) -> None:
    """A 503 says the server did not act: every request, a run request too, is sent again."""
    http.add(ANY_URL, method, status=503)
    http.add(ANY_URL, method, **answer)
    async with client() as api:
        await call(api)
    assert 2 == len(sent(http))


# -- what retries log -----------------------------------------------------------------------


async def test_each_retry_logged_at_info_with_reason(
    http: aioresponses, caplog: pytest.LogCaptureFixture
) -> None:
    """Each retry is one INFO record on "assistant_stream" naming the request and the reason."""
    caplog.set_level(logging.INFO, logger="assistant_stream")
    http.post(THREADS_URL, status=429, payload={"error": {"message": "slow down"}})
    http.post(THREADS_URL, exception=aiohttp.ClientConnectionError("reset"))
    http.post(THREADS_URL, payload=THREAD_JSON)
    await create_thread()
    records = [r for r in caplog.records if r.name == "assistant_stream"]
    wanted = [
        (f"retrying POST {THREADS_URL} in ", "(retry 1 of 2)", "HTTP 429", "slow down"),
        (f"retrying POST {THREADS_URL} in ", "(retry 2 of 2)", "ClientConnectionError: reset"),
    ]
    assert [logging.INFO, logging.INFO] == [r.levelno for r in records]
    assert wanted == [
        tuple(part for part in parts if part in record.getMessage())
        for parts, record in zip(wanted, records, strict=True)
    ]


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"retry-after-ms": "30"}, "in 0.03 s"),
        ({"Retry-After": "0.04"}, "in 0.04 s"),
        ({"Retry-After": "3600"}, "in 0.00 s"),  # above max_retry_after: backoff instead
    ],
)
async def test_server_wait_followed_within_limit(
    http: aioresponses, caplog: pytest.LogCaptureFixture, headers: dict[str, str], wait: str
) -> None:
    """retry-after-ms or Retry-After sets the wait, unless it exceeds max_retry_after."""
    caplog.set_level(logging.INFO, logger="assistant_stream")
    http.post(THREADS_URL, status=429, headers=headers)
    http.post(THREADS_URL, payload=THREAD_JSON)
    policy = RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.001, max_retry_after=1)
    await create_thread(retry_policy=policy)
    [record] = [r for r in caplog.records if r.name == "assistant_stream"]
    assert wait in record.getMessage()


# -- secrets --------------------------------------------------------------------------------

ECHO = {"error": {"message": f"Incorrect API key provided: {API_KEY}.", "code": "invalid_api_key"}}


async def test_echoed_key_masked_in_status_error(http: aioresponses) -> None:
    """A 401 whose body quotes the key: the error shows *** instead, in message and body."""
    http.post(THREADS_URL, status=401, payload=ECHO)
    with pytest.raises(AuthenticationError) as caught:
        await create_thread()
    error = caught.value
    assert ("Incorrect API key provided: ***.", False) == (
        error.message,
        API_KEY in f"{error} {error.body!r} {error.args!r}",
    )


async def test_echoed_key_masked_in_text_body(http: aioresponses) -> None:
    """A text (not JSON) error body quoting the key is masked too."""
    http.post(THREADS_URL, status=400, body=f"bad key {API_KEY}", content_type="text/plain")
    with pytest.raises(BadRequestError) as caught:
        await create_thread()
    assert ("bad key ***", False) == (caught.value.body, API_KEY in str(caught.value))


async def test_echoed_key_masked_in_unexpected_response(http: aioresponses) -> None:
    """A stream answered 200 with a JSON error quoting the key: masked in the error."""
    http.post(RUNS_URL, payload=ECHO)
    with pytest.raises(UnexpectedResponseError) as caught:
        await start_run()
    assert ("Incorrect API key provided: ***.", False) == (
        caught.value.message,
        API_KEY in f"{caught.value} {caught.value.body!r}",
    )


async def test_key_in_no_log_record(http: aioresponses, caplog: pytest.LogCaptureFixture) -> None:
    """With every logger at DEBUG, retries of responses that echo the key log no key."""
    caplog.set_level(logging.DEBUG)
    http.post(THREADS_URL, status=500, payload=ECHO, headers={"x-echo": API_KEY}, repeat=True)
    with pytest.raises(InternalServerError) as caught:
        await create_thread()
    logged = [f"{r.getMessage()} {r.args!r} {r.exc_text}" for r in caplog.records]
    assert (2, []) == (
        len([r for r in caplog.records if r.name == "assistant_stream"]),
        [text for text in logged if API_KEY in text],
    )
    assert API_KEY not in str(caught.value)


async def test_key_in_no_connection_error(http: aioresponses) -> None:
    """A connection error's message names the request, not the key."""
    http.post(THREADS_URL, exception=aiohttp.ClientConnectionError("refused"), repeat=True)
    with pytest.raises(AssistantStreamError) as caught:
        await create_thread()
    assert API_KEY not in f"{caught.value} {caught.value.args!r}"


@pytest.mark.parametrize(
    "leak",
    [
        aiohttp.ClientConnectionError(f"proxy refused Authorization: Bearer {API_KEY}"),
        aiohttp.ClientOSError(104, f"reset after Bearer {API_KEY}"),
    ],
    ids=["ClientConnectionError", "ClientOSError"],
)
async def test_key_in_aiohttp_exception_text_masked(
    http: aioresponses, caplog: pytest.LogCaptureFixture, leak: Exception
) -> None:
    """An aiohttp exception quoting the key: *** in the APIConnectionError and in each retry."""
    caplog.set_level(logging.INFO, logger="assistant_stream")
    http.post(THREADS_URL, exception=leak, repeat=True)
    with pytest.raises(APIConnectionError) as caught:
        await create_thread()
    texts = [str(caught.value), *(r.getMessage() for r in caplog.records)]
    assert (3, [], [True] * 3) == (
        len(texts),
        [text for text in texts if API_KEY in text],
        ["Bearer ***" in text for text in texts],
    )
