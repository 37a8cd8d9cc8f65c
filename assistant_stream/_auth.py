"""Credentials: a fixed API key, or bearer tokens from an async provider, cached until near expiry.

Rule 1 - a secret is held in one place and never printed. ``repr`` shows the kind of
credential only; ``secrets()`` lists what the transport masks in quoted responses.

Rule 2 - a token provider is called as little as correctness allows. ``token_provider()``
may return a ``str`` (called again for every request, as ``azure.identity.aio``'s
``get_bearer_token_provider`` does, with its own cache) or an object with ``token`` and
``expires_on`` (Unix seconds, azure-core's ``AccessToken``), which is kept until
``REFRESH_MARGIN`` seconds before it expires. Concurrent requests share one refresh.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Final, Protocol

from .errors import ConfigurationError

__all__ = ["REFRESH_MARGIN", "ApiKey", "BearerTokens", "Credential", "TokenProvider"]

#: Refresh a token this many seconds before it expires, as azure-core does.
REFRESH_MARGIN: Final = 300.0


class _AccessToken(Protocol):
    @property
    def token(self) -> str: ...

    @property
    def expires_on(self) -> int | float: ...


#: An async callable returning a bearer token, or an ``AccessToken``-like object.
TokenProvider = Callable[[], Awaitable["str | _AccessToken"]]


class Credential(Protocol):
    """What the client authenticates with."""

    async def headers(self) -> Mapping[str, str]:
        """The headers that carry the credential, for one request."""
        ...

    def secrets(self) -> tuple[str, ...]:
        """The secret strings to mask in anything quoted from a response."""
        ...


def check_header(name: str, value: str) -> str:
    """Return ``name`` if the header can be sent as is; else raise ``ConfigurationError``.

    A name or value with CR or LF would split the request (header injection); a name must
    be a non-empty token. The message names the header, never the value.
    """
    if not isinstance(name, str) or not name or any(c in name for c in _NOT_IN_NAMES):
        raise ConfigurationError(f"{name!r} is not a valid header name")
    if not isinstance(value, str):
        raise ConfigurationError(f"the value of header {name!r} must be a str")
    if "\r" in value or "\n" in value:
        raise ConfigurationError(f"the value of header {name!r} contains CR or LF")
    return name


_NOT_IN_NAMES: Final = frozenset('\r\n:()<>@,;\\"/[]?={} \t')


class ApiKey:
    """``Authorization: Bearer <key>``, the same for every request."""

    def __init__(self, key: str) -> None:
        if not isinstance(key, str) or not key:
            raise ConfigurationError("the API key must be a non-empty str")
        check_header("Authorization", key)
        self._headers = {"Authorization": f"Bearer {key}"}
        self._key = key

    def __repr__(self) -> str:
        return "<ApiKey ***>"

    async def headers(self) -> Mapping[str, str]:
        """The Authorization header."""
        return self._headers

    def secrets(self) -> tuple[str, ...]:
        """The key."""
        return (self._key,)


class BearerTokens:
    """``Authorization: Bearer <token>``, with tokens from an async provider (see rule 2)."""

    def __init__(self, provider: TokenProvider, *, clock: Callable[[], float] = time.time) -> None:
        self._provider = provider
        self._clock = clock
        self._token: str | None = None
        self._expires_on: float | None = None  # None: fetch for every request
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"<BearerTokens from {getattr(self._provider, '__qualname__', 'a provider')}>"

    async def headers(self) -> Mapping[str, str]:
        """The Authorization header with a fresh enough token."""
        token = self._cached()
        if token is None:
            async with self._lock:
                token = self._cached() or await self._fetch()
        check_header("Authorization", token)
        return {"Authorization": f"Bearer {token}"}

    def secrets(self) -> tuple[str, ...]:
        """The last token."""
        return (self._token,) if self._token else ()

    def _cached(self) -> str | None:
        expires_on = self._expires_on
        if expires_on is not None and self._clock() < expires_on - REFRESH_MARGIN:
            return self._token
        return None

    async def _fetch(self) -> str:
        got = await self._provider()
        if isinstance(got, str):
            self._token, self._expires_on = got, None
        else:
            token, expires_on = getattr(got, "token", None), getattr(got, "expires_on", None)
            if not isinstance(token, str) or not isinstance(expires_on, int | float):
                raise ConfigurationError(
                    "token_provider() must return a str, or an object with a str `token` "
                    f"and a numeric `expires_on`; it returned a {type(got).__name__}"
                )
            self._token, self._expires_on = token, float(expires_on)
        return self._token
