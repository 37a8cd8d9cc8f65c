"""Retry decisions and backoff delays, as pure functions of a response's status and headers.

Rule 1 - the server may decide. ``x-should-retry: true`` or ``false`` overrides the status
rule, as the OpenAI service and openai-python agree.

Rule 2 - otherwise retry what may succeed later: 408 (request timeout), 409 (lock
conflict), 429 (rate limit) and every 5xx. Connection errors and connect or read timeouts
before the response headers are retried by the caller; a total timeout is not.

Rule 3 - the server's wait wins when it is reasonable. ``retry-after-ms`` (milliseconds),
then ``Retry-After`` (seconds or an HTTP date) give the delay when it lies between 0 and
``RetryPolicy.max_retry_after``; otherwise full-jitter exponential backoff does.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from typing import Final

from ._config import RetryPolicy

__all__ = ["RETRYABLE_STATUSES", "delay", "retry_after", "should_retry"]

#: Statuses that may succeed when sent again, besides every 5xx.
RETRYABLE_STATUSES: Final = frozenset({408, 409, 429})


def should_retry(status: int, headers: Mapping[str, str]) -> bool:
    """Whether a response with this status and these headers is worth another attempt.

    ``headers`` is looked up with lower-case names (aiohttp's are case-insensitive).
    """
    verdict = headers.get("x-should-retry")
    if verdict == "true":
        return True
    if verdict == "false":
        return False
    return status in RETRYABLE_STATUSES or status >= 500


def retry_after(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """The wait the server asked for, in seconds, or ``None`` if it asked for none."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return float(milliseconds) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - now()


def delay(
    policy: RetryPolicy,
    attempt: int,
    requested: float | None = None,
    rng: Callable[[float, float], float] = random.uniform,
) -> float:
    """Seconds to sleep before retry number ``attempt`` (0 for the first retry).

    Args:
        policy: the backoff settings.
        attempt: how many retries came before this one.
        requested: the server's ``retry_after()``, if any.
        rng: ``random.uniform``-like; tests pass a fixed one.
    """
    if requested is not None and 0 <= requested <= policy.max_retry_after:
        return requested
    cap = min(policy.max_delay, policy.initial_delay * 2**attempt)
    return rng(0.0, cap)
