"""Request-level test helpers over aioresponses: what the client sent, and a client to send it.

``sent(m)`` lists the requests an ``aioresponses`` mock recorded, as ``Sent`` records: the
method, the URL with its query in the order it was sent, the headers as aiohttp merges them,
and the body. aioresponses keys its record by method and a URL whose query it sorts, so the
records come grouped by that key (each group in order) and the query order is rebuilt from
the ``params`` the client passed to ``session.request``.

``client()`` is an ``AssistantClient`` of ``BASE_URL`` with ``API_KEY`` and fast retries
(``FAST_RETRY``), so a retried request costs milliseconds. ``create_thread`` and
``start_run`` script an answer, make one plain call or one stream, and close the client.
"""

from __future__ import annotations

import re
from typing import Any, Final, NamedTuple

import orjson
from aioresponses import aioresponses
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from assistant_stream import AssistantClient, RetryPolicy
from assistant_stream.types import Thread

__all__ = [
    "ANY_URL",
    "API_KEY",
    "BASE_URL",
    "DONE",
    "ENV_NAMES",
    "FAST_RETRY",
    "MESSAGE_JSON",
    "RUN_JSON",
    "SSE",
    "THREAD_JSON",
    "Sent",
    "client",
    "create_thread",
    "sent",
    "start_run",
]

API_KEY: Final = "sk-test-secret-0123456789abcdef"
BASE_URL: Final = "https://api.test/v1"
FAST_RETRY: Final = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.002)
#: The smallest finished event stream, and its content type.
DONE: Final = b"event: done\ndata: [DONE]\n\n"
SSE: Final = "text/event-stream"
#: Matches every URL, for tests that look at where a request went.
ANY_URL: Final = re.compile(r".*")
#: The environment variables the client reads; tests start without them.
ENV_NAMES: Final = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID")

THREAD_JSON: Final = {"id": "thread_1", "object": "thread", "created_at": 1700, "metadata": {}}
RUN_JSON: Final = {
    "id": "run_1",
    "object": "thread.run",
    "thread_id": "thread_1",
    "status": "queued",
}
MESSAGE_JSON: Final = {
    "id": "msg_1",
    "object": "thread.message",
    "thread_id": "thread_1",
    "role": "user",
    "content": [{"type": "text", "text": {"value": "hi", "annotations": []}}],
}


class Sent(NamedTuple):
    """One request, as the client handed it to aiohttp."""

    method: str
    url: URL
    headers: CIMultiDictProxy[str]
    body: bytes | None

    def json(self) -> Any:
        """The body, decoded from JSON."""
        assert self.body is not None, "the request had no body"
        return orjson.loads(self.body)


def sent(m: aioresponses) -> list[Sent]:
    """Every request ``m`` recorded (see the module docstring for the order)."""
    records = []
    for (method, url), calls in m.requests.items():
        for call in calls:
            headers: CIMultiDict[str] = CIMultiDict()
            for name, value in (call.kwargs.get("headers") or {}).items():
                headers[name] = value  # a later spelling of a name replaces an earlier one
            query = call.kwargs.get("params") or ()
            records.append(
                Sent(
                    method,
                    url.with_query(None).extend_query(query),
                    CIMultiDictProxy(headers),
                    call.kwargs.get("data"),
                )
            )
    return records


def client(**kwargs: Any) -> AssistantClient:
    """An ``AssistantClient`` of ``BASE_URL`` with ``API_KEY`` and ``FAST_RETRY``."""
    kwargs.setdefault("base_url", BASE_URL)
    kwargs.setdefault("retry_policy", FAST_RETRY)
    return AssistantClient(kwargs.pop("api_key", API_KEY), **kwargs)


async def create_thread(m: aioresponses, api: AssistantClient, **options: Any) -> Thread:
    """Answer any POST with ``THREAD_JSON``, create a thread through ``api``, close ``api``."""
    m.post(ANY_URL, payload=THREAD_JSON)
    async with api:
        return await api.threads.create(**options)


async def start_run(m: aioresponses, api: AssistantClient, **params: Any) -> None:
    """Answer any POST with ``DONE``, stream a run of thread_1 through ``api``, close ``api``."""
    m.post(ANY_URL, body=DONE, content_type=SSE)
    async with api, api.threads.runs.stream("thread_1", assistant_id="asst_1", **params) as run:
        await run.until_done()
