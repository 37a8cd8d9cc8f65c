"""Settings as frozen values: ``Timeout`` and ``RetryPolicy``, with their defaults.

Rule 1 - no total cap by default. A run may legitimately stream for many minutes (long
reasoning, server-side tools), so the only default limits are on connecting and on silence:
``read`` is the longest gap between two bytes. ``event_idle`` is an optional watchdog for
"no event for this long", which keep-alive comments do not reset (a stalled upstream behind
a proxy that pings every 15 s would otherwise hang forever). ``total`` caps the whole
request, body included, when a caller wants a deadline.

Rule 2 - what is retried depends on what the server may have done (drawn in ``_retry``).
Every request is retried after a failure the server did not act on: the connection failed
before the request was sent (refused, DNS, TLS, connect timeout), or the status was 408,
409, 429 or 503. A request that starts a run (``runs.stream``, ``create_and_run_stream``,
``submit_tool_outputs_stream``) is retried after nothing else, since the server may have
started the run, unless ``RetryPolicy(unsafe_run_retries=True)``. Other requests are also
retried after any other 5xx, a read timeout before the response headers, or a connection
lost after sending. The server's ``x-should-retry: true`` or ``false`` overrides the status
for any request. A total timeout is never retried, and nothing is retried once the first
byte of an event stream arrived.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_TIMEOUT",
    "RetryPolicy",
    "Timeout",
    "TimeoutTypes",
]


def _positive_or_none(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(
            f"{attribute.name} must be a positive number of seconds or None, not {value!r}"
        )


@attrs.frozen(kw_only=True)
class Timeout:
    """How long a request may take, in seconds; ``None`` removes a limit.

    Args:
        connect: to open the TCP (and TLS) connection.
        read: the longest silence between two bytes of the response, keep-alive comments
            included. Pick it above the longest pause a run may have.
        event_idle: the longest time without a stream event while the client waits for the
            server (keep-alive comments do not count, time spent in your callbacks does not
            count). Off by default.
        total: the whole request, from sending it to the end of the body. Off by default.

    A timeout during a stream calls ``on_timeout``, then raises ``APITimeoutError``.
    """

    connect: float | None = attrs.field(default=10.0, validator=_positive_or_none)
    read: float | None = attrs.field(default=600.0, validator=_positive_or_none)
    event_idle: float | None = attrs.field(default=None, validator=_positive_or_none)
    total: float | None = attrs.field(default=None, validator=_positive_or_none)

    @classmethod
    def coerce(cls, value: TimeoutTypes, default: Timeout | None = None) -> Timeout:
        """Return ``value`` as a ``Timeout``.

        Args:
            value: a ``Timeout``; a number, which sets ``connect`` and ``read``; or ``None``
                for ``default``.
            default: what ``None`` means (``DEFAULT_TIMEOUT`` if not given).

        Raises:
            TypeError: for any other type.
        """
        if value is None:
            return default if default is not None else DEFAULT_TIMEOUT
        if isinstance(value, Timeout):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return cls(connect=value, read=value)
        raise TypeError(f"timeout must be a Timeout, a number of seconds or None, not {value!r}")


#: What ``timeout=`` accepts.
TimeoutTypes = Timeout | float | None

#: Connect within 10 s; no 10-minute silence (openai-python's default is 600 s); no total cap.
DEFAULT_TIMEOUT: Final = Timeout()


def _non_negative(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{attribute.name} must be a number >= 0, not {value!r}")


def _boolean(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"{attribute.name} must be True or False, not {value!r}")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """When and how long to wait before sending a failed request again.

    Backoff is exponential with full jitter: before retry ``n`` (0-based) the client sleeps a
    random time between 0 and ``min(max_delay, initial_delay * 2**n)``. A ``Retry-After`` or
    ``retry-after-ms`` response header is followed instead when it asks for at most
    ``max_retry_after`` seconds.

    Args:
        max_retries: retries after the first attempt (0 turns retrying off).
        initial_delay: the backoff cap before the first retry, in seconds.
        max_delay: the backoff cap for any retry, in seconds.
        max_retry_after: the longest server-requested wait that is honoured, in seconds.
        unsafe_run_retries: also resend a request that starts a run (``runs.stream``,
            ``create_and_run_stream``, ``submit_tool_outputs_stream``) after a failure the
            server may already have acted on: a 5xx other than 503, a read timeout before
            the response headers, a connection lost after sending. This can start a second
            run (a second submit of tool outputs gets a 400). Off by default: such a
            request is resent only when the server cannot have acted on it.

    Which failures are retried is rule 2 of the module docstring.
    """

    max_retries: int = attrs.field(default=2, validator=_non_negative)
    initial_delay: float = attrs.field(default=0.5, validator=_non_negative)
    max_delay: float = attrs.field(default=8.0, validator=_non_negative)
    max_retry_after: float = attrs.field(default=60.0, validator=_non_negative)
    unsafe_run_retries: bool = attrs.field(default=False, validator=_boolean)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.max_retries, int):
            raise ValueError(f"max_retries must be an integer, not {self.max_retries!r}")


#: Two retries, as openai-python.
DEFAULT_MAX_RETRIES: Final = 2
DEFAULT_RETRY_POLICY: Final = RetryPolicy(max_retries=DEFAULT_MAX_RETRIES)
