"""Tests for AssistantClient.for_azure (assistant_stream._client, _auth): Azure AI Agents requests.

Request-level, over aioresponses (``aioresponses_compat``): ``api-version`` on every call, no
``OpenAI-Beta``, the key or a provider's token as ``Authorization: Bearer``, how often the
provider is called, and that neither secret leaks.
"""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import attrs
import pytest
from aioresponses import aioresponses
from mock_http import ANY_URL, DONE, FAST_RETRY, RUN_JSON, SSE, THREAD_JSON, sent

from assistant_stream import (
    AssistantClient,
    AuthenticationError,
    ConfigurationError,
)
from assistant_stream._client import USER_AGENT

ENDPOINT = "https://res.services.ai.azure.com/api/projects/proj"
AZURE_KEY = "azure-key-0123456789abcdef"


@attrs.frozen
class AccessToken:
    """Like azure-core's AccessToken."""

    token: str
    expires_on: int


class Provider:
    """An async token provider that counts its calls and returns what ``make(n)`` gives."""

    def __init__(self, make: Any = lambda n: f"token-{n}") -> None:
        self.calls = 0
        self.make = make

    async def __call__(self) -> Any:
        self.calls += 1
        await asyncio.sleep(0)  # let concurrent callers pile up
        return self.make(self.calls)


def azure(**kwargs: Any) -> AssistantClient:
    """An Azure client of ENDPOINT, api-version v1, fast retries (the key unless told)."""
    if "token_provider" not in kwargs:
        kwargs.setdefault("api_key", AZURE_KEY)
    return AssistantClient.for_azure(ENDPOINT, api_version="v1", retry_policy=FAST_RETRY, **kwargs)


async def create_threads(api: AssistantClient, count: int = 1) -> None:
    """Create ``count`` threads one after the other through ``api``, then close it."""
    async with api:
        for _ in range(count):
            await api.threads.create()


async def test_every_call_carries_api_version(http: aioresponses) -> None:
    """Plain calls and streams, with or without their own query, carry api-version."""
    http.post(ANY_URL, payload=THREAD_JSON)
    http.get(ANY_URL, payload=RUN_JSON)
    http.post(ANY_URL, body=DONE, content_type=SSE)
    async with azure() as api:
        await api.threads.create()
        await api.threads.runs.retrieve("thread_1", "run_1", extra_query={"x": "1"})
        async with api.threads.runs.stream("thread_1", assistant_id="a", include=["i"]) as run:
            await run.until_done()
    expected = [
        f"{ENDPOINT}/threads?api-version=v1",
        f"{ENDPOINT}/threads/thread_1/runs/run_1?api-version=v1&x=1",
        f"{ENDPOINT}/threads/thread_1/runs?api-version=v1&include%5B%5D=i",
    ]
    assert sorted(expected) == sorted(str(request.url) for request in sent(http))


async def test_key_as_bearer_and_no_beta_header(
    http: aioresponses, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key goes as Authorization: Bearer; no OpenAI-Beta, nothing from OPENAI_* variables."""
    for name, value in [
        ("OPENAI_ORG_ID", "org"),
        ("OPENAI_PROJECT_ID", "p"),
        ("OPENAI_API_KEY", "k"),
    ]:
        monkeypatch.setenv(name, value)
    http.post(ANY_URL, payload=THREAD_JSON)
    await create_threads(azure(default_headers={"x-ms-client": "bot"}))
    [request] = sent(http)
    expected = {
        "Authorization": f"Bearer {AZURE_KEY}",
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        "Content-Type": "application/json",
        "x-ms-client": "bot",
    }
    assert expected == dict(request.headers)


async def test_api_version_wins_over_default_query(http: aioresponses) -> None:
    """default_query is added to api-version, which wins on a clash."""
    http.post(ANY_URL, payload=THREAD_JSON, repeat=True)
    await create_threads(azure(default_query={"api-version": "2025-05-15-preview", "a": "b"}))
    [request] = sent(http)
    assert [("api-version", "v1"), ("a", "b")] == list(request.url.query.items())


@pytest.mark.parametrize(
    "kwargs", [{}, {"api_key": "k", "token_provider": Provider()}], ids=["neither", "both"]
)
def test_exactly_one_credential(kwargs: dict[str, Any]) -> None:
    """Neither or both of api_key and token_provider is a ConfigurationError."""
    with pytest.raises(ConfigurationError, match="exactly one"):
        AssistantClient.for_azure(ENDPOINT, api_version="v1", **kwargs)


def test_cr_lf_in_default_headers_refused() -> None:
    """A default header value with CR or LF is refused, naming the header only."""
    with pytest.raises(ConfigurationError, match="x-ms-client") as caught:
        azure(default_headers={"x-ms-client": "a\r\nX-Injected: 1"})
    assert "X-Injected" not in str(caught.value)


# -- token providers ------------------------------------------------------------------------


async def test_str_token_fetched_for_every_request(http: aioresponses) -> None:
    """A provider returning a str is called once per request; each token is sent."""
    http.post(ANY_URL, payload=THREAD_JSON, repeat=True)
    provider = Provider()
    await create_threads(azure(token_provider=provider), count=3)
    expected = (3, ["Bearer token-1", "Bearer token-2", "Bearer token-3"])
    assert expected == (provider.calls, [r.headers["Authorization"] for r in sent(http)])


async def test_str_token_fetched_again_for_a_retry(http: aioresponses) -> None:
    """A retried request asks the provider again: each attempt has fresh credentials."""
    http.post(ANY_URL, status=503)
    http.post(ANY_URL, payload=THREAD_JSON)
    provider = Provider()
    await create_threads(azure(token_provider=provider))
    expected = (2, ["Bearer token-1", "Bearer token-2"])
    assert expected == (provider.calls, [r.headers["Authorization"] for r in sent(http)])


@pytest.mark.parametrize(
    ("lifetime", "calls"), [(3600, 1), (200, 3)], ids=["far-from-expiry", "near-expiry"]
)
async def test_access_token_cached_until_near_expiry(
    http: aioresponses, lifetime: int, calls: int
) -> None:
    """An AccessToken is reused until 300 s before it expires; one closer is fetched anew."""
    http.post(ANY_URL, payload=THREAD_JSON, repeat=True)
    provider = Provider(lambda n: AccessToken(f"token-{n}", int(time.time()) + lifetime))
    await create_threads(azure(token_provider=provider), count=3)
    assert calls == provider.calls


async def test_concurrent_requests_share_one_fetch(http: aioresponses) -> None:
    """Requests started together wait for one provider call and send the same token."""
    http.post(ANY_URL, payload=THREAD_JSON, repeat=True)
    provider = Provider(lambda n: AccessToken(f"token-{n}", int(time.time()) + 3600))
    async with azure(token_provider=provider) as api:
        await asyncio.gather(*(api.threads.create() for _ in range(5)))
    assert (1, {"Bearer token-1"}) == (
        provider.calls,
        {r.headers["Authorization"] for r in sent(http)},
    )


@pytest.mark.parametrize("returned", [None, 42, SimpleNamespace(token="t", expires_on="soon")])
async def test_bad_provider_return_refused(http: aioresponses, returned: Any) -> None:
    """A provider returning neither a str nor an AccessToken-like is a ConfigurationError."""
    async with azure(token_provider=Provider(lambda n: returned)) as api:
        with pytest.raises(ConfigurationError, match="token_provider"):
            await api.threads.create()
    assert [] == sent(http)


# -- secrets --------------------------------------------------------------------------------


async def test_echoed_token_masked(http: aioresponses) -> None:
    """An error body quoting the provider's token shows *** instead."""
    http.post(ANY_URL, status=401, payload={"error": {"message": "expired: token-1"}})
    with pytest.raises(AuthenticationError) as caught:
        await create_threads(azure(token_provider=Provider()))
    assert ("expired: ***", False) == (caught.value.message, "token-1" in str(caught.value))


async def test_repr_hides_credentials(http: aioresponses) -> None:
    """The repr of a client, with a key or after fetching a token, shows neither."""
    http.post(ANY_URL, payload=THREAD_JSON)
    keyed, tokened = azure(), azure(token_provider=Provider())
    await create_threads(tokened)
    await keyed.aclose()
    shown = f"{keyed!r} {tokened!r}"
    assert (f"<AssistantClient {ENDPOINT} closed>", False, False) == (
        repr(keyed),
        AZURE_KEY in shown,
        "token-1" in shown,
    )
