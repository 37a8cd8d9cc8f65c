"""Tests for assistant_stream._config: Timeout and RetryPolicy as validated, frozen values."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from mock_http import client

from assistant_stream import ConfigurationError, RetryPolicy, Timeout
from assistant_stream._config import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_POLICY,
    DEFAULT_TIMEOUT,
)

BAD_SECONDS = [0, -1, -0.5, True, "1", [1]]


def test_timeout_defaults() -> None:
    """10 s to connect, 600 s of silence, no event watchdog, no total cap."""
    timeout = Timeout()
    assert (10.0, 600.0, None, None) == (
        timeout.connect,
        timeout.read,
        timeout.event_idle,
        timeout.total,
    )
    assert Timeout() == DEFAULT_TIMEOUT


@pytest.mark.parametrize("field", ["connect", "read", "event_idle", "total"])
@pytest.mark.parametrize("value", BAD_SECONDS)
def test_timeout_rejects_non_positive_and_non_numbers(field: str, value: Any) -> None:
    """Every limit must be a positive number of seconds (a bool is not one)."""
    with pytest.raises(ValueError, match=field):
        Timeout(**{field: value})


@pytest.mark.parametrize("field", ["connect", "read", "event_idle", "total"])
def test_timeout_none_removes_a_limit(field: str) -> None:
    """None is accepted for every limit."""
    assert None is getattr(Timeout(**{field: None}), field)


def test_timeout_is_keyword_only() -> None:
    """Limits are named, never positional."""
    with pytest.raises(TypeError):
        Timeout(5)  # type: ignore[call-arg]


def test_timeout_is_frozen() -> None:
    """A Timeout cannot be changed after it is made."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Timeout().read = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, Timeout(connect=5, read=5)),
        (2.5, Timeout(connect=2.5, read=2.5)),
        (Timeout(total=3), Timeout(total=3)),
        (None, DEFAULT_TIMEOUT),
    ],
)
def test_coerce(value: Any, expected: Timeout) -> None:
    """A number sets connect and read; a Timeout is kept; None is the default."""
    assert expected == Timeout.coerce(value)


def test_coerce_none_uses_the_given_default() -> None:
    """None becomes the default passed, and a Timeout passes through as the same object."""
    default, given = Timeout(read=1), Timeout(read=2)
    assert (default, given) == (Timeout.coerce(None, default), Timeout.coerce(given, default))
    assert given is Timeout.coerce(given, default)


@pytest.mark.parametrize("value", [True, "5", [5]])
def test_coerce_rejects_other_types(value: Any) -> None:
    """A bool, a string or anything else is a TypeError."""
    with pytest.raises(TypeError, match="timeout must be"):
        Timeout.coerce(value)


@pytest.mark.parametrize("value", [0, -5])
def test_coerce_number_is_validated(value: int) -> None:
    """A number that is not positive fails the Timeout's own check."""
    with pytest.raises(ValueError, match="connect"):
        Timeout.coerce(value)


def test_retry_policy_defaults() -> None:
    """Two retries, 0.5 s first backoff cap, 8 s cap, server waits up to 60 s."""
    policy = RetryPolicy()
    assert (2, 0.5, 8.0, 60.0) == (
        policy.max_retries,
        policy.initial_delay,
        policy.max_delay,
        policy.max_retry_after,
    )
    assert (RetryPolicy(), 2) == (DEFAULT_RETRY_POLICY, DEFAULT_MAX_RETRIES)


@pytest.mark.parametrize("field", ["max_retries", "initial_delay", "max_delay", "max_retry_after"])
@pytest.mark.parametrize("value", [-1, True, "1", None])
def test_retry_policy_rejects_negative_and_non_numbers(field: str, value: Any) -> None:
    """Every setting must be a number >= 0 (a bool is not one)."""
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**{field: value})


def test_retry_policy_guards_run_requests_by_default() -> None:
    """unsafe_run_retries is off unless asked for, and then on."""
    assert (False, True) == (
        RetryPolicy().unsafe_run_retries,
        RetryPolicy(unsafe_run_retries=True).unsafe_run_retries,
    )


@pytest.mark.parametrize("value", [0, 1, "yes", None])
def test_retry_policy_unsafe_run_retries_must_be_a_bool(value: Any) -> None:
    """unsafe_run_retries takes True or False only."""
    with pytest.raises(ValueError, match="unsafe_run_retries must be True or False"):
        RetryPolicy(unsafe_run_retries=value)


def test_retry_policy_zero_allowed() -> None:
    """Zero turns retrying (or waiting) off and is valid everywhere."""
    policy = RetryPolicy(max_retries=0, initial_delay=0, max_delay=0, max_retry_after=0)
    assert 0 == policy.max_retries


def test_retry_policy_max_retries_must_be_an_integer() -> None:
    """A fractional retry count is refused."""
    with pytest.raises(ValueError, match="max_retries must be an integer"):
        RetryPolicy(max_retries=1.5)  # type: ignore[arg-type]


def test_retry_policy_is_frozen_and_keyword_only() -> None:
    """A RetryPolicy cannot be changed, and takes its settings by name."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        RetryPolicy().max_retries = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        RetryPolicy(3)  # type: ignore[call-arg]


async def test_client_takes_settings() -> None:
    """A client keeps its timeout (a number coerced) and builds a policy from max_retries."""
    api = client(timeout=5, retry_policy=None, max_retries=4)
    await api.aclose()
    assert (Timeout(connect=5, read=5), RetryPolicy(max_retries=4)) == (
        api.timeout,
        api.retry_policy,
    )


def test_client_refuses_max_retries_and_retry_policy() -> None:
    """Passing both max_retries (not the default) and retry_policy is a ConfigurationError."""
    with pytest.raises(ConfigurationError, match="not both"):
        client(max_retries=5, retry_policy=RetryPolicy())
