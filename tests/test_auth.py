"""Tests for assistant_stream._auth: ApiKey and BearerTokens, their caching and their secrets."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import attrs
import pytest

from assistant_stream import ConfigurationError
from assistant_stream._auth import REFRESH_MARGIN, ApiKey, BearerTokens, check_header

KEY = "sk-unit-secret-key"


@attrs.frozen
class AccessToken:
    """Like azure-core's AccessToken."""

    token: str
    expires_on: float


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Provider:
    """An async token provider that counts its calls and returns ``make(n)`` for call n."""

    def __init__(self, make: Any) -> None:
        self.calls = 0
        self.make = make

    async def __call__(self) -> Any:
        self.calls += 1
        await asyncio.sleep(0)  # let concurrent callers pile up
        return self.make(self.calls)


def test_check_header() -> None:
    """A header without CR or LF passes; its name comes back."""
    assert "Authorization" == check_header("Authorization", "Bearer x")


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\r\nX-Injected: 1", 5])
def test_check_header_refuses_cr_lf_and_non_str_values(value: Any) -> None:
    """CR, LF or a non-str value is a ConfigurationError naming the header, never the value."""
    with pytest.raises(ConfigurationError, match="'X-Name'") as caught:
        check_header("X-Name", value)
    assert "X-Injected" not in str(caught.value)


@pytest.mark.parametrize("name", ["", "X-A\r\nX-Injected", "X A", "X:A", 5])
def test_check_header_refuses_invalid_names(name: Any) -> None:
    """An empty name, or one with CR, LF, a space or a separator, is a ConfigurationError."""
    with pytest.raises(ConfigurationError, match="not a valid header name"):
        check_header(name, "v")


async def test_api_key() -> None:
    """ApiKey sends Authorization: Bearer with the key and lists the key as its secret."""
    key = ApiKey(KEY)
    assert ({"Authorization": f"Bearer {KEY}"}, (KEY,)) == (await key.headers(), key.secrets())


def test_api_key_repr_hides_key() -> None:
    """repr(ApiKey) shows its kind only."""
    assert "<ApiKey ***>" == repr(ApiKey(KEY))


def test_api_key_with_cr_lf_refused() -> None:
    """A key with CR or LF is refused at once, and the message does not quote it."""
    with pytest.raises(ConfigurationError, match="Authorization") as caught:
        ApiKey("sk-abc\r\nX-Injected: 1")
    assert "sk-abc" not in str(caught.value)


async def test_str_tokens_fetched_for_every_call() -> None:
    """A provider returning a str is called for every headers() call."""
    provider = Provider(lambda n: f"token-{n}")
    tokens = BearerTokens(provider)
    sent = [await tokens.headers() for _ in range(3)]
    assert [{"Authorization": f"Bearer token-{n}"} for n in (1, 2, 3)] == sent


async def test_access_token_cached_until_refresh_margin() -> None:
    """An AccessToken is reused until REFRESH_MARGIN seconds before expires_on."""
    clock = Clock()
    provider = Provider(lambda n: AccessToken(f"token-{n}", clock.now + 1000))
    tokens = BearerTokens(provider, clock=clock)
    seen = []
    for clock.now in (0.0, 500.0, 1000 - REFRESH_MARGIN - 0.001, 1000 - REFRESH_MARGIN, 800.0):
        seen.append((await tokens.headers())["Authorization"])
    # token-2 was fetched at 700, so it expires at 1700 and is still fresh at 800
    expected = ["Bearer token-1"] * 3 + ["Bearer token-2"] * 2
    assert (expected, 2, 300.0) == (seen, provider.calls, REFRESH_MARGIN)


async def test_access_token_already_near_expiry_is_fetched_every_time() -> None:
    """A token that arrives within the margin of its expiry is never reused."""
    clock = Clock()
    provider = Provider(lambda n: AccessToken(f"token-{n}", clock.now + 60))
    tokens = BearerTokens(provider, clock=clock)
    for _ in range(3):
        await tokens.headers()
    assert 3 == provider.calls


async def test_concurrent_calls_share_one_fetch() -> None:
    """headers() called by many tasks at once calls the provider once."""
    provider = Provider(lambda n: AccessToken(f"token-{n}", 10_000.0))
    tokens = BearerTokens(provider, clock=Clock())
    sent = await asyncio.gather(*(tokens.headers() for _ in range(10)))
    assert (1, [{"Authorization": "Bearer token-1"}] * 10) == (provider.calls, sent)


async def test_integer_expires_on_accepted() -> None:
    """expires_on may be an int, as azure-core gives it."""
    provider = Provider(lambda n: AccessToken("token", 10_000))
    tokens = BearerTokens(provider, clock=Clock())
    await tokens.headers()
    await tokens.headers()
    assert 1 == provider.calls


@pytest.mark.parametrize(
    "returned",
    [
        None,
        42,
        b"token",
        SimpleNamespace(token=None, expires_on=10.0),
        SimpleNamespace(token="secret-tok", expires_on="soon"),
        object(),
    ],
    ids=["none", "int", "bytes", "no-token", "str-expiry", "object"],
)
async def test_bad_provider_return_refused(returned: Any) -> None:
    """A provider returning neither a str nor a token with numeric expiry: ConfigurationError."""
    tokens = BearerTokens(Provider(lambda n: returned))
    with pytest.raises(ConfigurationError, match="token_provider") as caught:
        await tokens.headers()
    assert "secret-tok" not in str(caught.value)


async def test_token_with_cr_lf_refused() -> None:
    """A token with CR or LF is refused before it is sent, without quoting it."""
    tokens = BearerTokens(Provider(lambda n: "tok\r\nX-Injected: 1"))
    with pytest.raises(ConfigurationError, match="Authorization") as caught:
        await tokens.headers()
    assert "X-Injected" not in str(caught.value)


async def test_bearer_tokens_secrets_and_repr() -> None:
    """secrets() is the last token (none before a fetch); repr names the provider only."""

    async def fetch_token() -> str:
        return "tok-secret"

    tokens = BearerTokens(fetch_token)
    before = tokens.secrets()
    await tokens.headers()
    shown = repr(tokens)
    assert ((), ("tok-secret",), False) == (before, tokens.secrets(), "tok-secret" in shown)
    assert "fetch_token" in shown
