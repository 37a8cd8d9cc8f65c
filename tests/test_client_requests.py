"""Tests for assistant_stream._client: the headers, environment fallbacks and query strings.

Request-level, over aioresponses (``aioresponses_compat``); bodies and paths are in
test_client_resources.py.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from mock_http import (
    ANY_URL,
    API_KEY,
    BASE_URL,
    DONE,
    SSE,
    THREAD_JSON,
    client,
    create_thread,
    sent,
    start_run,
)
from yarl import URL

import assistant_stream
from assistant_stream import AssistantClient, ClientState, ConfigurationError, InvalidStateError
from assistant_stream._client import DEFAULT_BASE_URL, USER_AGENT

pytestmark = pytest.mark.usefixtures("clean_env")

# -- headers ------------------------------------------------------------------------------


async def test_plain_call_headers(http: aioresponses) -> None:
    """A plain call carries the key, the beta header, the User-Agent and asks for JSON."""
    await create_thread(http, client())
    [request] = sent(http)
    expected = {
        "Authorization": f"Bearer {API_KEY}",
        "OpenAI-Beta": "assistants=v2",
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    assert expected == dict(request.headers)


async def test_stream_headers(http: aioresponses) -> None:
    """A stream asks for an event stream, uncompressed."""
    await start_run(http, client())
    [request] = sent(http)
    expected = ("text/event-stream", "identity", f"Bearer {API_KEY}", "assistants=v2")
    actual = tuple(
        request.headers[name]
        for name in ("Accept", "Accept-Encoding", "Authorization", "OpenAI-Beta")
    )
    assert expected == actual


def test_user_agent_names_package_and_version() -> None:
    """The User-Agent starts with the package name and its version."""
    assert USER_AGENT.startswith(f"assistant-stream/{assistant_stream.__version__} (python ")


@pytest.mark.parametrize("source", ["arguments", "environment"])
async def test_organization_and_project(
    http: aioresponses, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    """OpenAI-Organization and OpenAI-Project come from the arguments or the environment."""
    if source == "arguments":
        api = client(organization="org_1", project="proj_1")
    else:
        monkeypatch.setenv("OPENAI_ORG_ID", "org_1")
        monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_1")
        api = client()
    await create_thread(http, api)
    [request] = sent(http)
    assert ("org_1", "proj_1") == (
        request.headers["OpenAI-Organization"],
        request.headers["OpenAI-Project"],
    )


async def test_arguments_win_over_environment(
    http: aioresponses, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Explicit organization and project replace the environment's."""
    monkeypatch.setenv("OPENAI_ORG_ID", "org_env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_env")
    await create_thread(http, client(organization="org_arg", project="proj_arg"))
    [request] = sent(http)
    assert ["org_arg", "proj_arg"] == [
        request.headers["OpenAI-Organization"],
        request.headers["OpenAI-Project"],
    ]


async def test_no_organization_no_project_headers(http: aioresponses) -> None:
    """Without organization or project, neither header is sent."""
    await create_thread(http, client())
    [request] = sent(http)
    assert set() == {"OpenAI-Organization", "OpenAI-Project"} & set(request.headers)


async def test_default_headers_add_and_override(http: aioresponses) -> None:
    """default_headers are sent, and replace the client's own headers of the same name."""
    api = client(default_headers={"X-App": "bot", "OpenAI-Beta": "assistants=v3"})
    await create_thread(http, api)
    [request] = sent(http)
    assert ("bot", "assistants=v3") == (request.headers["X-App"], request.headers["OpenAI-Beta"])


async def test_extra_headers_override_default_headers(http: aioresponses) -> None:
    """A call's extra_headers replace the default and the client's headers of the same name."""
    api = client(default_headers={"X-App": "bot"})
    await start_run(http, api, extra_headers={"X-App": "other", "Accept": "*/*", "X-Call": "1"})
    [request] = sent(http)
    expected = ("other", "*/*", "1")
    assert expected == tuple(request.headers[name] for name in ("X-App", "Accept", "X-Call"))


async def test_extra_headers_cannot_replace_the_credential(http: aioresponses) -> None:
    """The client's Authorization is added last: extra_headers do not replace it."""
    await create_thread(http, client(), extra_headers={"Authorization": "Bearer other"})
    [request] = sent(http)
    assert f"Bearer {API_KEY}" == request.headers["Authorization"]


INJECTED = "v\r\nX-Injected: 1"


@pytest.mark.parametrize(
    ("kwargs", "header"),
    [
        ({"default_headers": {"X-App": INJECTED}}, "X-App"),
        ({"organization": INJECTED}, "OpenAI-Organization"),
        ({"project": INJECTED}, "OpenAI-Project"),
        ({"api_key": INJECTED}, "Authorization"),
    ],
)
def test_cr_lf_refused_at_construction(kwargs: dict[str, Any], header: str) -> None:
    """A header value with CR or LF is refused; the message names the header, not the value."""
    with pytest.raises(ConfigurationError, match=header) as caught:
        client(**kwargs)
    assert "X-Injected" not in str(caught.value)


async def test_cr_lf_in_extra_headers_refused_before_sending(http: aioresponses) -> None:
    """extra_headers with CR or LF fail when the call is made, and nothing is sent."""
    async with client() as api:
        with pytest.raises(ConfigurationError, match="X-Call") as caught:
            api.threads.runs.stream(
                "thread_1", assistant_id="a", extra_headers={"X-Call": INJECTED}
            )
        with pytest.raises(ConfigurationError, match="X-Call"):
            await api.threads.create(extra_headers={"X-Call": INJECTED})
    assert ("X-Injected" not in str(caught.value), []) == (True, sent(http))


async def test_cr_lf_in_header_name_refused(http: aioresponses) -> None:
    """A header name with CR or LF is a ConfigurationError too, before anything is sent."""
    headers = {"X-App\r\nX-Injected": "1"}
    http.post(ANY_URL, payload=THREAD_JSON, repeat=True)
    with pytest.raises(ConfigurationError, match="not a valid header name"):
        client(default_headers=headers)
    with pytest.raises(ConfigurationError, match="not a valid header name"):
        await create_thread(http, client(), extra_headers=headers)
    assert [] == sent(http)


# -- environment and configuration -------------------------------------------------------


async def test_environment_key_and_base_url(
    http: aioresponses, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OPENAI_API_KEY and OPENAI_BASE_URL are used when no argument is given."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:8080/v1/")
    api = AssistantClient()
    await create_thread(http, api)
    [request] = sent(http)
    expected = (
        URL("http://localhost:8080/v1"),
        "http://localhost:8080/v1/threads",
        "Bearer sk-env",
    )
    assert expected == (api.base_url, str(request.url), request.headers["Authorization"])


def test_arguments_win_over_environment_key_and_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """An explicit key and base_url are used even when the environment has others."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://env.test/v1")
    api = AssistantClient("sk-arg", base_url="https://arg.test/v1")
    assert URL("https://arg.test/v1") == api.base_url


def test_default_base_url() -> None:
    """Without base_url or OPENAI_BASE_URL, the client talks to OpenAI."""
    assert URL(DEFAULT_BASE_URL) == AssistantClient("sk").base_url


@pytest.mark.parametrize("key", [None, ""])
def test_no_api_key(key: str | None) -> None:
    """No key argument and no OPENAI_API_KEY (or an empty one) is a ConfigurationError."""
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        AssistantClient(key)


@pytest.mark.parametrize("base_url", ["ftp://api.test/v1", "api.test/v1", "/v1", "https://"])
def test_base_url_must_be_absolute_http(base_url: str) -> None:
    """A base_url that is not an absolute http(s) URL is a ConfigurationError."""
    with pytest.raises(ConfigurationError, match="base_url"):
        client(base_url=base_url)


# -- query strings ------------------------------------------------------------------------


async def test_default_query_and_extra_query(http: aioresponses) -> None:
    """default_query goes on every request; extra_query adds to it and wins on a clash."""
    api = client(default_query={"tenant": "t1", "region": "eu"})
    await start_run(http, api, extra_query={"region": "us", "trace": True})
    [request] = sent(http)
    assert [("tenant", "t1"), ("region", "us"), ("trace", "true")] == list(
        request.url.query.items()
    )


async def test_include_repeats_in_the_query(http: aioresponses) -> None:
    """The include list becomes one include[] per item, in order, and stays out of the body."""
    paths = ["step_details.tool_calls[*].file_search.results[*].content", "b"]
    await start_run(http, client(), include=paths)
    [request] = sent(http)
    assert (paths, {"assistant_id": "asst_1", "stream": True}) == (
        request.url.query.getall("include[]"),
        request.json(),
    )


async def test_message_list_query(http: aioresponses) -> None:
    """messages.list sends the paging arguments given, and none of those left out."""
    http.get(ANY_URL, payload={"object": "list", "data": []})
    async with client() as api:
        await api.threads.messages.list("thread_1", limit=5, order="asc", after="msg_9")
    [request] = sent(http)
    assert ("GET", f"{BASE_URL}/threads/thread_1/messages?limit=5&order=asc&after=msg_9") == (
        request.method,
        str(request.url),
    )


# -- session ownership, state and repr ------------------------------------------------------


async def test_passed_session_is_used_and_left_open(http: aioresponses) -> None:
    """A session passed in carries the requests and is not closed by the client."""
    http.post(ANY_URL, payload=THREAD_JSON)
    async with aiohttp.ClientSession(headers={"X-Session": "mine"}) as session:
        api = client(session=session)
        async with api:
            await api.threads.create()
        await api.aclose()
        assert (False, "mine") == (session.closed, sent(http)[0].headers["X-Session"])


async def test_own_session_is_shared_and_closed(
    http: aioresponses, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client makes one session on first use, for all its requests, and closes it."""
    made: list[aiohttp.ClientSession] = []
    real = aiohttp.ClientSession

    def recording(*args: Any, **kwargs: Any) -> aiohttp.ClientSession:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(aiohttp, "ClientSession", recording)
    http.post(ANY_URL, payload=THREAD_JSON, repeat=True)
    api = client()
    assert [] == made  # nothing is opened by the constructor
    async with api:
        await api.threads.create()
        await api.threads.create()
    assert ([True], 2) == ([session.closed for session in made], len(sent(http)))


async def test_state_with_async_with() -> None:
    """Entering `async with` opens the client (UNOPENED to OPENED); leaving it closes it."""
    api = client()
    states = [api.state]
    async with api:
        states.append(api.state)
    states.append(api.state)
    assert [ClientState.UNOPENED, ClientState.OPENED, ClientState.CLOSED] == states


async def test_state_with_first_request_and_aclose(http: aioresponses) -> None:
    """The first request opens the client; aclose() closes it, and again is harmless."""
    http.post(ANY_URL, payload=THREAD_JSON)
    api = client()
    await api.threads.create()
    opened = api.state
    await api.aclose()
    await api.aclose()
    assert (ClientState.OPENED, ClientState.CLOSED) == (opened, api.state)


async def test_closed_client_refuses_requests(http: aioresponses) -> None:
    """A closed client raises InvalidStateError for calls, streams and async with."""
    api = client()
    await api.aclose()
    with pytest.raises(InvalidStateError):
        await api.threads.create()
    with pytest.raises(InvalidStateError):
        async with api.threads.runs.stream("thread_1", assistant_id="a"):
            pass
    with pytest.raises(InvalidStateError):
        async with api:
            pass
    assert [] == sent(http)


async def test_streams_are_sent_lazily(http: aioresponses) -> None:
    """A stream sends its request when it starts; one dropped unstarted sends nothing."""
    http.post(ANY_URL, body=DONE, content_type=SSE)
    async with client() as api:
        dropped = api.threads.runs.stream("thread_1", assistant_id="a")
        await dropped.aclose()
        stream = api.threads.runs.stream("thread_1", assistant_id="a")
        before = len(sent(http))
        async with stream:
            await stream.until_done()
    assert (0, 1) == (before, len(sent(http)))


async def test_repr_shows_url_and_state_only() -> None:
    """repr(client) names the base URL and the state, never the key."""
    api = client()
    await api.aclose()
    assert f"<AssistantClient {BASE_URL} closed>" == repr(api)


def test_repr_hides_user_info() -> None:
    """A password in base_url is not shown by repr, as it is not by error messages."""
    assert "hunter2" not in repr(client(base_url="https://user:hunter2@api.test/v1"))
