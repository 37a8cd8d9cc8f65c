"""``AssistantClient``: one aiohttp session, the credentials, and the requests the resources make.

Rule 1 - whoever opens the session closes it. ``async with AssistantClient(...)`` (or
``await client.aclose()``) closes the session the client created; a session passed in is
used and never closed. The session is created on first use, inside the running loop.

Rule 2 - a request is checked before it is sent. Paths are built from escaped segments (an
id cannot add a path segment), header values with CR or LF are refused (both in
``_requests``), and an unknown request field is a ``TypeError`` naming the close match
(``_resources._params``). Nothing is sent until a stream starts (``async with`` or the first
wait), so building a stream and dropping it is free.

Rule 3 - no secret leaves. ``repr`` shows the URL and state only; the credentials are masked
in errors (see ``_transport``).
"""

from __future__ import annotations

import enum
import os
import platform
import weakref
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Final, TypeVar

import aiohttp
from yarl import URL

from . import _transport
from ._auth import ApiKey, BearerTokens, Credential, TokenProvider, check_header
from ._body import Body
from ._config import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    RetryPolicy,
    Timeout,
    TimeoutTypes,
)
from ._continuation import RunControl
from ._decode import decode_object
from ._record import RecordTarget
from ._registry import ToolRegistry
from ._requests import RequestDefaults
from ._resources.assistants import Assistants
from ._resources.threads import Threads
from ._version import __version__
from .errors import APIConnectionError, ConfigurationError, InvalidStateError
from .stream import AssistantStream, Handlers

__all__ = ["DEFAULT_BASE_URL", "USER_AGENT", "AssistantClient", "ClientState"]

_T = TypeVar("_T")

DEFAULT_BASE_URL: Final = "https://api.openai.com/v1"
USER_AGENT: Final = (
    f"assistant-stream/{__version__} (python {platform.python_version()}; "
    f"aiohttp {aiohttp.__version__})"
)
#: Connections the client's own session may hold at once. Each running stream holds one for
#: its whole life, so aiohttp's default of 100 would make the 101st stream wait unseen.
CONNECTION_LIMIT: Final = 1000
#: aiohttp's read buffer per connection; reading pauses at twice this much unread. Events
#: are small, and with aiohttp's 256 KiB default a hundred streams outpaced by their server
#: hold tens of megabytes of unread body.
READ_BUFFER: Final = 64 * 1024


class ClientState(enum.Enum):
    """Where a client is."""

    UNOPENED = "unopened"  # no session yet: created by `async with` or the first request
    OPENED = "opened"  # the session is open; requests may be sent
    CLOSED = "closed"  # closed by aclose() or leaving `async with`; requests raise


class AssistantClient:
    """A client of an Assistants-protocol service: OpenAI-compatible, or Azure AI Agents.

    Args:
        api_key: sent as ``Authorization: Bearer ...``; default ``$OPENAI_API_KEY``.
        base_url: the API root, ``http://`` allowed for local servers; default
            ``$OPENAI_BASE_URL``, then ``https://api.openai.com/v1``.
        organization: sent as ``OpenAI-Organization``; default ``$OPENAI_ORG_ID``.
        project: sent as ``OpenAI-Project``; default ``$OPENAI_PROJECT_ID``.
        default_headers: added to every request (and overriding the client's own).
        default_query: added to every request's query string.
        timeout: a ``Timeout``, or a number of seconds for ``connect`` and ``read``; default
            ``Timeout()``: 10 s to connect, 600 s of silence, no total cap.
        max_retries: retries of a failed request before its stream starts (see
            ``RetryPolicy``); a shortcut for ``retry_policy=RetryPolicy(max_retries=...)``.
        retry_policy: the full backoff settings, instead of ``max_retries``.
        session: an ``aiohttp.ClientSession`` to use; the client never closes it.

    Raises:
        ConfigurationError: no API key, a header value with CR or LF, a URL that is not
            http or https, or both ``max_retries`` and ``retry_policy``.

    Use it as ``async with AssistantClient() as client:``. The resources are
    ``client.assistants`` (agents, on Azure), ``client.threads``, ``client.threads.runs``,
    ``client.threads.runs.steps`` and ``client.threads.messages``.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | URL | None = None,
        organization: str | None = None,
        project: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, str] | None = None,
        timeout: TimeoutTypes = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        if not key:
            raise ConfigurationError(
                "no API key: pass api_key=... or set OPENAI_API_KEY (any non-empty string "
                "for a local server that does not check it)"
            )
        headers = {"OpenAI-Beta": "assistants=v2"}
        if organization is None:
            organization = os.environ.get("OPENAI_ORG_ID")
        if project is None:
            project = os.environ.get("OPENAI_PROJECT_ID")
        if organization:
            headers["OpenAI-Organization"] = organization
        if project:
            headers["OpenAI-Project"] = project
        self._configure(
            credential=ApiKey(key),
            base_url=base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL,
            headers={**headers, **(default_headers or {})},
            query=dict(default_query or {}),
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            session=session,
        )

    @classmethod
    def for_azure(
        cls,
        endpoint: str | URL,
        *,
        api_version: str,
        api_key: str | None = None,
        token_provider: TokenProvider | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, str] | None = None,
        timeout: TimeoutTypes = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_policy: RetryPolicy | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> AssistantClient:
        """A client of Azure AI Foundry Agents (the classic threads and runs service).

        Every request carries ``?api-version=...`` and no ``OpenAI-Beta`` header. The paths
        are the same as OpenAI's, under the project endpoint.

        Args:
            endpoint: the project endpoint,
                ``https://<resource>.services.ai.azure.com/api/projects/<project>``.
            api_version: for example ``"v1"`` or ``"2025-05-15-preview"``.
            api_key: a key, sent as ``Authorization: Bearer ...``.
            token_provider: instead of a key, an async callable returning an Entra ID token
                (a ``str``, fetched for every request) or an ``AccessToken``-like object
                with ``token`` and ``expires_on`` (cached until 5 minutes before it
                expires). ``azure.identity.aio.get_bearer_token_provider(credential,
                "https://ai.azure.com/.default")`` fits.
            default_headers: as for ``AssistantClient``.
            default_query: as for ``AssistantClient`` (``api-version`` is added to it).
            timeout: as for ``AssistantClient``.
            max_retries: as for ``AssistantClient``.
            retry_policy: as for ``AssistantClient``.
            session: as for ``AssistantClient``.

        Raises:
            ConfigurationError: neither or both of ``api_key`` and ``token_provider``.
        """
        if (api_key is None) == (token_provider is None):
            raise ConfigurationError("pass exactly one of api_key= and token_provider=")
        credential: Credential = (
            ApiKey(api_key) if api_key is not None else BearerTokens(token_provider)  # type: ignore[arg-type]
        )
        client = cls.__new__(cls)
        client._configure(
            credential=credential,
            base_url=endpoint,
            headers=dict(default_headers or {}),
            query={**(default_query or {}), "api-version": api_version},
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            session=session,
        )
        return client

    def _configure(
        self,
        *,
        credential: Credential,
        base_url: str | URL,
        headers: Mapping[str, str],
        query: Mapping[str, str],
        timeout: TimeoutTypes,
        max_retries: int,
        retry_policy: RetryPolicy | None,
        session: aiohttp.ClientSession | None,
    ) -> None:
        url = URL(str(base_url).rstrip("/"))
        if url.scheme not in ("http", "https") or not url.host:
            raise ConfigurationError("base_url must be an absolute http:// or https:// URL")
        if retry_policy is not None and max_retries != DEFAULT_MAX_RETRIES:
            raise ConfigurationError("pass max_retries= or retry_policy=, not both")
        self._credential = credential
        self._defaults = RequestDefaults(
            base_url=url,
            headers={
                "User-Agent": USER_AGENT,
                **{check_header(name, value): value for name, value in headers.items()},
            },
            query=dict(query),
            timeout=Timeout.coerce(timeout, DEFAULT_TIMEOUT),
        )
        self._retry = retry_policy or RetryPolicy(max_retries=max_retries)
        self._session = session
        self._owns_session = session is None
        self._state = ClientState.UNOPENED
        self._bodies: weakref.WeakSet[_transport.HttpBody] = weakref.WeakSet()  # streams reading
        self.assistants = Assistants(self)
        self.threads = Threads(self)

    def __repr__(self) -> str:
        return f"<AssistantClient {self.base_url.with_user(None)} {self._state.value}>"

    # -- settings and state --------------------------------------------------------------

    @property
    def base_url(self) -> URL:
        """The API root every path is joined to."""
        return self._defaults.base_url

    @property
    def timeout(self) -> Timeout:
        """The timeout of every request that does not pass its own."""
        return self._defaults.timeout

    @property
    def retry_policy(self) -> RetryPolicy:
        """When and how failed requests are retried."""
        return self._retry

    @property
    def state(self) -> ClientState:
        """Where the client is."""
        return self._state

    async def __aenter__(self) -> AssistantClient:
        self._opened()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the session the client created (not one passed in). Idempotent.

        A stream still reading from this client fails with ``APIConnectionError`` (with its
        ``partial``) instead of waiting forever on a connection that is gone.
        """
        self._state, session = ClientState.CLOSED, self._session
        for body in list(self._bodies):
            body.interrupt(
                APIConnectionError("the client was closed during the stream", request=body.request)
            )
        if self._owns_session and session is not None and not session.closed:
            await session.close()

    def _opened(self) -> aiohttp.ClientSession:
        if self._state is ClientState.CLOSED:
            raise InvalidStateError("the client is closed; create a new AssistantClient")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=CONNECTION_LIMIT), read_bufsize=READ_BUFFER
            )
        self._state = ClientState.OPENED
        return self._session

    # -- what the resources call ---------------------------------------------------------

    def url(self, *segments: str) -> URL:
        """The URL of a path under ``base_url``; each segment is one escaped path segment.

        An id cannot add, remove or climb segments: ``/``, ``?``, ``#`` and ``%`` are
        percent-encoded, and ``.`` and ``..`` are refused.

        Raises:
            ConfigurationError: an empty segment, ``.`` or ``..``, or not a ``str``.
        """
        return self._defaults.url(*segments)

    def request(
        self,
        method: str,
        url: URL,
        *,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        stream: bool = False,
        creates_run: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: TimeoutTypes = None,
    ) -> _transport.Request:
        """A request with the client's headers, query and timeout, checked (rule 2).

        The arguments are ``RequestDefaults.request``'s: a resource that starts a run
        passes ``creates_run=True``, so that it is not resent after the server may have
        acted on it (see ``RetryPolicy``).
        """
        return self._defaults.request(
            method,
            url,
            body=body,
            query=query,
            stream=stream,
            creates_run=creates_run,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def stream(
        self,
        request: _transport.Request,
        handler: Handlers,
        *,
        tools: ToolRegistry | None = None,
        control: RunControl | None = None,
        record_to: RecordTarget | None = None,
    ) -> AssistantStream:
        """An ``AssistantStream`` that sends ``request`` when it starts.

        ``tools`` answers its function calls; ``control`` continues the run after them;
        ``record_to`` receives the bytes of every body.
        """
        return AssistantStream(
            lambda: self.open_stream(request),
            handler,
            tools=tools,
            control=control,
            record_to=record_to,
        )

    async def open_stream(self, request: _transport.Request) -> Body:
        """Send ``request`` (retrying as ``retry_policy`` allows) and open its event stream."""
        body = await _transport.open_stream(
            self._opened(),
            request,
            auth=self._credential.headers,
            retry=self._retry,
            secrets=self._credential.secrets,
        )
        self._bodies.add(body)
        return body

    async def fetch(self, request: _transport.Request, model: type[_T]) -> _T:
        """Send ``request`` and structure its JSON answer into ``model``."""
        data = await _transport.fetch(
            self._opened(),
            request,
            auth=self._credential.headers,
            retry=self._retry,
            secrets=self._credential.secrets,
        )
        return decode_object(f"response to {request.name}", data, model)
