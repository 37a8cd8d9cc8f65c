"""``client.threads.runs``: start a run as a stream, continue it after tool calls, look it up.

Every stream method returns an ``AssistantStream`` at once and sends nothing: the request
goes out when the stream starts (``async with`` or the first wait). Its request is marked
``creates_run``: it is sent again only after a failure the server did not act on (the
connection failed before sending, or 408, 409, 429, 503, or ``x-should-retry: true``),
unless ``RetryPolicy.unsafe_run_retries``, and never once the event stream started.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Unpack

from assistant_stream.stream import AssistantStream, Handlers
from assistant_stream.types.run import Run

from ._params import RequestOptions, RunParams, split

if TYPE_CHECKING:
    from assistant_stream._client import AssistantClient

__all__ = ["Runs"]


class Runs:
    """The runs of threads: ``client.threads.runs``."""

    def __init__(self, client: AssistantClient) -> None:
        self._client = client

    def stream(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        handler: Handlers = None,
        **params: Unpack[RunParams],
    ) -> AssistantStream:
        """Create a run on a thread and stream it (``POST /threads/{thread_id}/runs``).

        Args:
            thread_id: the thread to run.
            assistant_id: the assistant that runs it.
            handler: an ``EventHandler``, several, or ``None`` to iterate the events.
            **params: the request's fields (``instructions``, ``additional_messages``,
                ``tools``, ``model``, ``temperature``, ``metadata``, ``tool_choice``...;
                see ``RunParams``), ``include`` (sent in the query string as
                ``include[]``), and ``extra_headers``, ``extra_query``, ``extra_body``,
                ``timeout``.

        Raises:
            TypeError: an unknown field name (nothing is sent).
            ConfigurationError: an empty id, or a header value with CR or LF.
        """
        fields, options = split(params, RunParams, "stream")
        include = fields.pop("include", None)
        client = self._client
        request = client.request(
            "POST",
            client.url("threads", thread_id, "runs"),
            body={"assistant_id": assistant_id, **fields, "stream": True},
            query={"include[]": list(include)} if include else None,
            stream=True,
            creates_run=True,
            **options,
        )
        return client.stream(request, handler)

    def submit_tool_outputs_stream(
        self,
        thread_id: str,
        run_id: str,
        *,
        tool_outputs: Iterable[Mapping[str, Any]],
        handler: Handlers = None,
        **options: Unpack[RequestOptions],
    ) -> AssistantStream:
        """Answer a run's ``requires_action`` and stream the rest of the run.

        ``POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs``. On Azure AI Agents,
        answer a ``submit_tool_approval`` action with ``tool_outputs=[]`` and
        ``extra_body={"tool_approvals": [...]}``.

        Args:
            thread_id: the run's thread.
            run_id: the run waiting for tool outputs.
            tool_outputs: ``{"tool_call_id": ..., "output": ...}`` for each requested call.
            handler: an ``EventHandler``, several, or ``None`` to iterate the events.
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.
        """
        _, checked = split(options, RequestOptions, "submit_tool_outputs_stream")
        client = self._client
        request = client.request(
            "POST",
            client.url("threads", thread_id, "runs", run_id, "submit_tool_outputs"),
            body={"tool_outputs": list(tool_outputs), "stream": True},
            stream=True,
            creates_run=True,
            **checked,
        )
        return client.stream(request, handler)

    async def retrieve(self, thread_id: str, run_id: str, **options: Unpack[RequestOptions]) -> Run:
        """Return a run (``GET /threads/{thread_id}/runs/{run_id}``), to poll after a cut."""
        _, checked = split(options, RequestOptions, "retrieve")
        client = self._client
        url = client.url("threads", thread_id, "runs", run_id)
        return await client.fetch(client.request("GET", url, **checked), Run)

    async def cancel(self, thread_id: str, run_id: str, **options: Unpack[RequestOptions]) -> Run:
        """Ask for a run to stop (``POST .../runs/{run_id}/cancel``); returns it, cancelling."""
        _, checked = split(options, RequestOptions, "cancel")
        client = self._client
        url = client.url("threads", thread_id, "runs", run_id, "cancel")
        return await client.fetch(client.request("POST", url, body={}, **checked), Run)
