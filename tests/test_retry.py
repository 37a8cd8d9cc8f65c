"""Tests for assistant_stream._retry: should_retry, retry_after and delay, as pure functions."""

from __future__ import annotations

import email.utils

import pytest
from multidict import CIMultiDict

from assistant_stream import RetryPolicy
from assistant_stream._retry import RETRYABLE_STATUSES, delay, retry_after, should_retry

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


def test_retryable_statuses() -> None:
    """The 4xx statuses worth another attempt."""
    assert frozenset({408, 409, 429}) == RETRYABLE_STATUSES


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
