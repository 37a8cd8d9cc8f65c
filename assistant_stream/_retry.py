"""Retry decisions and backoff delays, as pure functions of what one attempt came to.

An attempt ends in a status (with headers) or in a ``Failure`` (no response). Whether it is
sent again depends on what the server may have done with it, and on whether the request
starts a run (``runs.stream``, ``create_and_run_stream``, ``submit_tool_outputs_stream``):
sending one of those again after the server acted starts a second run (or, for tool
outputs, gets a 400).

Rule 1 - the server may decide. ``x-should-retry: false`` forbids another attempt and
``x-should-retry: true`` asks for one, whatever the status and whatever the request, as the
OpenAI service and openai-python agree. Any other value is ignored.

Rule 2 - otherwise the outcome has a ``Standing``:

- ``UNTOUCHED``, the server did not act: the connection failed before the request was sent
  (refused, DNS, TLS, connect timeout: ``Failure.UNSENT``), or the status says the request
  was refused as it stood: 408 (request timeout), 409 (lock conflict), 429 (rate limit),
  503 (unavailable);
- ``MAYBE_ACTED``, the server may have acted: any other 5xx (500, 502, 504, ...), or no
  response after the request went out (a read timeout before the headers, a connection
  lost after sending: ``Failure.UNANSWERED``);
- ``FINAL``, another attempt cannot help: every other status, and a total timeout
  (``Failure.SPENT``: its budget is gone).

Rule 3 - ``UNTOUCHED`` is retried for every request, ``FINAL`` for none, and
``MAYBE_ACTED`` for every request except one that starts a run, unless the caller opted in
with ``RetryPolicy(unsafe_run_retries=True)``. The table is ``RESEND``.

Rule 4 - the server's wait wins when it is reasonable. ``retry-after-ms`` (milliseconds),
then ``Retry-After`` (seconds or an HTTP date) give the delay when it lies between 0 and
``RetryPolicy.max_retry_after``; otherwise full-jitter exponential backoff does.

How many attempts are made (``RetryPolicy.max_retries``) is the caller's count.
"""

from __future__ import annotations

import email.utils
import enum
import random
import time
from collections.abc import Callable, Mapping
from typing import Final

from ._config import DEFAULT_RETRY_POLICY, RetryPolicy

__all__ = [
    "RESEND",
    "UNTOUCHED_STATUSES",
    "Failure",
    "Standing",
    "delay",
    "retry_after",
    "should_retry",
    "standing",
]


class Failure(enum.Enum):
    """An attempt that got no response, by what the server may have seen of it."""

    UNSENT = "unsent"  # the connection failed before the request was sent
    UNANSWERED = "unanswered"  # the request was (or may have been) sent; no response came
    SPENT = "spent"  # the total timeout expired: no time is left for another attempt


class Standing(enum.Enum):
    """What the server may have done with a failed attempt (rule 2)."""

    UNTOUCHED = "untouched"  # nothing: sending it again cannot do anything twice
    MAYBE_ACTED = "maybe acted"  # perhaps all of it: sending it again may do it twice
    FINAL = "final"  # whatever it did, another attempt cannot help


#: Statuses that say the request was refused as it stood, so nothing was done (rule 2).
UNTOUCHED_STATUSES: Final = frozenset({408, 409, 429, 503})

_FAILURES: Final[Mapping[Failure, Standing]] = {
    Failure.UNSENT: Standing.UNTOUCHED,
    Failure.UNANSWERED: Standing.MAYBE_ACTED,
    Failure.SPENT: Standing.FINAL,
}
_VERDICTS: Final[Mapping[str, Standing]] = {
    "true": Standing.UNTOUCHED,
    "false": Standing.FINAL,
}

#: Rule 3: (standing, guarded) -> send again? ``guarded`` is true for a request that starts
#: a run, unless the policy allows ``unsafe_run_retries``.
RESEND: Final[Mapping[tuple[Standing, bool], bool]] = {
    (Standing.UNTOUCHED, False): True,
    (Standing.UNTOUCHED, True): True,
    (Standing.MAYBE_ACTED, False): True,
    (Standing.MAYBE_ACTED, True): False,
    (Standing.FINAL, False): False,
    (Standing.FINAL, True): False,
}


def standing(outcome: int | Failure, headers: Mapping[str, str]) -> Standing:
    """The ``Standing`` of an attempt that ended in ``outcome`` (rules 1 and 2).

    Args:
        outcome: the response status, or the ``Failure`` when no response came.
        headers: the response headers, looked up with lower-case names (aiohttp's are
            case-insensitive); empty for a ``Failure``.
    """
    if isinstance(outcome, Failure):
        return _FAILURES[outcome]
    verdict = _VERDICTS.get(headers.get("x-should-retry", ""))
    if verdict is not None:
        return verdict
    if outcome in UNTOUCHED_STATUSES:
        return Standing.UNTOUCHED
    return Standing.MAYBE_ACTED if outcome >= 500 else Standing.FINAL


def should_retry(
    outcome: int | Failure,
    headers: Mapping[str, str],
    *,
    creates_run: bool = False,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> bool:
    """Whether an attempt that ended in ``outcome`` is worth sending again (rule 3).

    Args:
        outcome: the response status, or the ``Failure`` when no response came.
        headers: the response headers (see ``standing``).
        creates_run: whether the request starts a run (``Request.creates_run``).
        policy: the caller's policy; only ``unsafe_run_retries`` matters here.
    """
    guarded = creates_run and not policy.unsafe_run_retries
    return RESEND[standing(outcome, headers), guarded]


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
