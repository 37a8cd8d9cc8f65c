"""Tests for assistant_stream._transport through AssistantClient: retry counts, logs, secrets.

Request-level, over aioresponses (``aioresponses_compat``) with ``FAST_RETRY`` (two retries,
millisecond backoff): what is retried and how often, what the retries log, and that the API
key shows up in no error message and no log record, even when the server echoes it.
"""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aioresponses import aioresponses
from mock_http import (
    API_KEY,
    BASE_URL,
    DONE,
    SSE,
    THREAD_JSON,
    client,
    sent,
)

from assistant_stream import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
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
    """A connection error followed by an answer is invisible to the caller."""
    http.post(RUNS_URL, exception=aiohttp.ClientConnectionError("reset"))
    http.post(RUNS_URL, body=DONE, content_type=SSE)
    await start_run()
    assert 2 == len(sent(http))


async def test_total_timeout_not_retried(http: aioresponses) -> None:
    """A total timeout spent its budget: one request, then APITimeoutError(kind="total")."""
    http.post(THREADS_URL, timeout=True, repeat=True)
    with pytest.raises(APITimeoutError) as caught:
        await create_thread()
    assert ("total", 1) == (caught.value.kind, len(sent(http)))


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
