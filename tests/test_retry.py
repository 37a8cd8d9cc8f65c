"""Tests for assistant_stream._retry: should_retry, retry_after and delay, as pure functions."""

from __future__ import annotations

import email.utils
import itertools
from typing import Any

import pytest
from multidict import CIMultiDict

from assistant_stream import RetryPolicy
from assistant_stream._retry import (
    RESEND,
    UNTOUCHED_STATUSES,
    Failure,
    Standing,
    delay,
    retry_after,
    should_retry,
    standing,
)

NOW = 1_700_000_000.0


def now() -> float:
    """A fixed clock."""
    return NOW


def top(low: float, high: float) -> float:
    """A ``random.uniform`` that always draws the top of its range."""
    return high


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (408, True),
        (409, True),
        (410, False),
        (422, False),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (599, True),
    ],
)
def test_should_retry_by_status(status: int, expected: bool) -> None:
    """408, 409, 429 and every 5xx are retried; other errors are not."""
    assert expected == should_retry(status, {})


@pytest.mark.parametrize("status", [400, 404, 429, 500, 503])
@pytest.mark.parametrize(("verdict", "expected"), [("true", True), ("false", False)])
def test_x_should_retry_overrides_status(status: int, verdict: str, expected: bool) -> None:
    """x-should-retry: true or false decides, whatever the status."""
    assert expected == should_retry(status, {"x-should-retry": verdict})


@pytest.mark.parametrize("verdict", ["yes", "1", "", "TRUE"])
def test_other_x_should_retry_values_ignored(verdict: str) -> None:
    """A value other than "true" or "false" leaves the decision to the status."""
    assert (False, True) == (
        should_retry(400, {"x-should-retry": verdict}),
        should_retry(500, {"x-should-retry": verdict}),
    )


def test_header_names_case_insensitive_with_aiohttp_headers() -> None:
    """With aiohttp's case-insensitive headers, any spelling of the name works."""
    headers = CIMultiDict({"X-Should-Retry": "false", "Retry-After-Ms": "250"})
    assert (False, 0.25) == (should_retry(500, headers), retry_after(headers))


def test_untouched_statuses() -> None:
    """The statuses that say the server did not act: 408, 409, 429 and 503."""
    assert frozenset({408, 409, 429, 503}) == UNTOUCHED_STATUSES


# -- the decision, exhaustively: every outcome class x request kind x x-should-retry ----------

OPTED_IN = RetryPolicy(unsafe_run_retries=True)

#: outcome -> (another request, a run request, a run request with unsafe_run_retries), with
#: no x-should-retry header (or a value that is neither "true" nor "false").
EXPECTED = {
    200: (False, False, False),
    302: (False, False, False),
    400: (False, False, False),
    401: (False, False, False),
    403: (False, False, False),
    404: (False, False, False),
    408: (True, True, True),
    409: (True, True, True),
    410: (False, False, False),
    422: (False, False, False),
    429: (True, True, True),
    499: (False, False, False),
    500: (True, False, True),
    501: (True, False, True),
    502: (True, False, True),
    503: (True, True, True),
    504: (True, False, True),
    529: (True, False, True),
    599: (True, False, True),
    Failure.UNSENT: (True, True, True),
    Failure.UNANSWERED: (True, False, True),
    Failure.SPENT: (False, False, False),
}
STATUSES = [outcome for outcome in EXPECTED if isinstance(outcome, int)]
KINDS: dict[str, dict[str, Any]] = {
    "other": {"creates_run": False},
    "run": {"creates_run": True},
    "run, opted in": {"creates_run": True, "policy": OPTED_IN},
}


def decisions(outcome: int | Failure, headers: dict[str, str]) -> tuple[bool, ...]:
    """should_retry for each kind of request in ``KINDS``, in order."""
    return tuple(should_retry(outcome, headers, **kind) for kind in KINDS.values())


@pytest.mark.parametrize("verdict", [None, "maybe", "", "TRUE", "1"])
@pytest.mark.parametrize("outcome", EXPECTED, ids=str)
def test_decision_without_a_verdict(outcome: int | Failure, verdict: str | None) -> None:
    """Without x-should-retry true or false, the outcome and the request kind decide."""
    headers = {} if verdict is None else {"x-should-retry": verdict}
    assert EXPECTED[outcome] == decisions(outcome, headers)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize(("verdict", "expected"), [("true", True), ("false", False)])
def test_decision_with_a_verdict(status: int, verdict: str, expected: bool) -> None:
    """x-should-retry: true resends any request, false none, whatever the status."""
    assert (expected,) * 3 == decisions(status, {"x-should-retry": verdict})


@pytest.mark.parametrize("failure", list(Failure))
def test_failure_has_no_verdict_to_obey(failure: Failure) -> None:
    """An attempt with no response has no headers: a stray x-should-retry changes nothing."""
    assert EXPECTED[failure] == decisions(failure, {"x-should-retry": "true"})


def test_opt_in_changes_nothing_for_other_requests() -> None:
    """unsafe_run_retries only concerns requests that start a run."""
    outcomes = list(EXPECTED)
    assert [should_retry(o, {}) for o in outcomes] == [
        should_retry(o, {}, policy=OPTED_IN) for o in outcomes
    ]


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (Failure.UNSENT, Standing.UNTOUCHED),
        (Failure.UNANSWERED, Standing.MAYBE_ACTED),
        (Failure.SPENT, Standing.FINAL),
        (408, Standing.UNTOUCHED),
        (503, Standing.UNTOUCHED),
        (500, Standing.MAYBE_ACTED),
        (504, Standing.MAYBE_ACTED),
        (404, Standing.FINAL),
    ],
)
def test_standing(outcome: int | Failure, expected: Standing) -> None:
    """Each outcome's standing: untouched, maybe acted on, or final."""
    assert expected == standing(outcome, {})


def test_resend_table_is_complete() -> None:
    """RESEND has a row for every standing, guarded or not, and resends as rule 3 says."""
    expected = {
        (Standing.UNTOUCHED, False): True,
        (Standing.UNTOUCHED, True): True,
        (Standing.MAYBE_ACTED, False): True,
        (Standing.MAYBE_ACTED, True): False,
        (Standing.FINAL, False): False,
        (Standing.FINAL, True): False,
    }
    assert set(itertools.product(Standing, [False, True])) == set(RESEND)
    assert expected == dict(RESEND)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "0"}, 0.0),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "2.5"}, 2.5),
        ({"retry-after-ms": "100", "retry-after": "9"}, 0.1),  # milliseconds win
        ({"retry-after-ms": "soon", "retry-after": "9"}, 9.0),  # garbage ms: seconds
        ({"retry-after-ms": "soon"}, None),
        ({"retry-after": "soon"}, None),
        ({"retry-after": ""}, None),
        ({"retry-after": email.utils.formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"retry-after": email.utils.formatdate(NOW - 30, usegmt=True)}, -30.0),
    ],
)
def test_retry_after(headers: dict[str, str], expected: float | None) -> None:
    """retry-after-ms, then Retry-After in seconds or as an HTTP date; garbage is None."""
    assert expected == retry_after(headers, now)


@pytest.mark.parametrize(("attempt", "cap"), [(0, 0.5), (1, 1.0), (2, 2.0), (4, 8.0), (10, 8.0)])
def test_delay_backoff_capped(attempt: int, cap: float) -> None:
    """Full jitter from 0 to min(max_delay, initial_delay * 2**attempt)."""
    drawn: list[tuple[float, float]] = []

    def rng(low: float, high: float) -> float:
        drawn.append((low, high))
        return high

    assert (cap, [(0.0, cap)]) == (delay(RetryPolicy(), attempt, None, rng), drawn)


@pytest.mark.parametrize("requested", [0.0, 1.5, 60.0])
def test_delay_honours_requested_within_limit(requested: float) -> None:
    """A server wait from 0 to max_retry_after is followed exactly, without jitter."""
    assert requested == delay(RetryPolicy(), 3, requested, top)


@pytest.mark.parametrize("requested", [60.001, 3600.0, -1.0, float("inf"), float("nan")])
def test_delay_ignores_requested_outside_limit(requested: float) -> None:
    """A wait above max_retry_after, in the past or not a number gives backoff instead."""
    assert 0.5 == delay(RetryPolicy(), 0, requested, top)


def test_delay_with_zero_caps() -> None:
    """A policy with zero delays never sleeps."""
    policy = RetryPolicy(initial_delay=0, max_delay=0, max_retry_after=0)
    assert (0.0, 0.0) == (delay(policy, 5, None, top), delay(policy, 0, 10.0, top))


def test_delay_default_rng_stays_in_range() -> None:
    """With the real random source, every delay lies between 0 and the cap."""
    policy = RetryPolicy(initial_delay=0.25, max_delay=1.0)
    delays = [delay(policy, attempt % 4) for attempt in range(200)]
    assert [] == [d for d in delays if not 0.0 <= d <= 1.0]
