"""``client.threads.runs``: start a run as a stream, continue it after tool calls, look it up.

``list`` pages through a thread's runs; ``steps`` (in ``steps``) reads a run's steps back.

Every stream method returns an ``AssistantStream`` at once and sends nothing: the request
goes out when the stream starts (``async with`` or the first wait). Its request is marked
``creates_run``: it is sent again only after a failure the server did not act on (the
connection failed before sending, or 408, 409, 429, 503, or ``x-should-retry: true``),
unless ``RetryPolicy.unsafe_run_retries``, and never once the event stream started.

A stream of a run continues in itself: ``stream.submit_tool_outputs(...)`` (or a
``ToolRegistry`` given as ``tools=`` or ``answer_tools=``) sends the submit request through
``RunControl`` below and reads its body in the same stream.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Unpack

from assistant_stream._body import Body
from assistant_stream._record import RecordTarget
from assistant_stream._registry import ToolRegistry
from assistant_stream.stream import AssistantStream, Handlers
from assistant_stream.types.run import Run, RunList

from ._params import RequestOptions, RunParams, split, take_registry
from .steps import Steps

if TYPE_CHECKING:
    from assistant_stream._client import AssistantClient
    from assistant_stream._transport import Request

__all__ = ["RunControl", "Runs"]


class RunControl:
    """How a client's streams continue their runs (``_continuation.RunControl``)."""

    __slots__ = ("_runs",)

    def __init__(self, runs: Runs) -> None:
        self._runs = runs

    async def submit(
        self, thread_id: str, run_id: str, fields: Mapping[str, Any], options: Mapping[str, Any]
    ) -> Body:
        """Send the submit request (``creates_run``: see the module docstring); its body."""
        _, checked = split(options, RequestOptions, "submit_tool_outputs")
        return await self._runs._client.open_stream(
            self._runs._submit(thread_id, run_id, fields, checked)
        )

    async def cancel(self, thread_id: str, run_id: str) -> None:
        """Cancel the run, as ``client.threads.runs.cancel`` does."""
        await self._runs.cancel(thread_id, run_id)


class Runs:
    """The runs of threads: ``client.threads.runs``.

    Attributes:
        control: how its streams submit tool outputs and cancel their runs.
        steps: the steps of runs, ``client.threads.runs.steps``.
    """

    def __init__(self, client: AssistantClient) -> None:
        self._client = client
        self.control = RunControl(self)
        self.steps = Steps(client)

    def stream(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        handler: Handlers = None,
        answer_tools: ToolRegistry | None = None,
        record_to: RecordTarget | None = None,
        **params: Unpack[RunParams],
    ) -> AssistantStream:
        """Create a run on a thread and stream it (``POST /threads/{thread_id}/runs``).

        Args:
            thread_id: the thread to run.
            assistant_id: the assistant that runs it.
            handler: an ``EventHandler``, several, or ``None`` to iterate the events.
            answer_tools: a ``ToolRegistry`` that answers the run's function calls without
                sending its definitions (for tools defined on the assistant or agent).
            **params: the request's fields (``instructions``, ``additional_messages``,
            record_to: a path or a binary writer that receives the raw bytes of every body
                the stream reads, for ``replay()`` (see ``AssistantStream``).
                ``tools``, ``model``, ``temperature``, ``metadata``, ``tool_choice``...;
                see ``RunParams``), ``include`` (sent in the query string as
                ``include[]``), and ``extra_headers``, ``extra_query``, ``extra_body``,
                ``timeout``. ``tools`` may be a ``ToolRegistry``, or hold one among the
                definitions: its definitions are sent, and it answers the calls.

        Raises:
            TypeError: an unknown field name (nothing is sent).
            ConfigurationError: an empty id, a header value with CR or LF, or two
                registries.
        """
        fields, options = split(params, RunParams, "stream")
        registry = take_registry(fields, answer_tools)
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
        return client.stream(
            request, handler, tools=registry, control=self.control, record_to=record_to
        )

    def submit_tool_outputs_stream(
        self,
        thread_id: str,
        run_id: str,
        *,
        tool_outputs: Iterable[Mapping[str, Any]],
        handler: Handlers = None,
        answer_tools: ToolRegistry | None = None,
        record_to: RecordTarget | None = None,
        **options: Unpack[RequestOptions],
    ) -> AssistantStream:
        """Answer a run's ``requires_action`` and stream the rest of the run.

        ``POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs``. On Azure AI Agents,
        answer a ``submit_tool_approval`` action with ``tool_outputs=[]`` and
        ``extra_body={"tool_approvals": [...]}``. The stream continues itself after later
        tool calls (``AssistantStream.submit_tool_outputs``); prefer that to opening this.

        Args:
            thread_id: the run's thread.
            run_id: the run waiting for tool outputs.
            tool_outputs: ``{"tool_call_id": ..., "output": ...}`` for each requested call.
            handler: an ``EventHandler``, several, or ``None`` to iterate the events.
            answer_tools: a ``ToolRegistry`` that answers the run's later function calls.
            record_to: a path or a binary writer that receives the raw bytes of every body
                the stream reads, for ``replay()`` (see ``AssistantStream``).
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.
        """
        _, checked = split(options, RequestOptions, "submit_tool_outputs_stream")
        request = self._submit(thread_id, run_id, {"tool_outputs": list(tool_outputs)}, checked)
        return self._client.stream(
            request, handler, tools=answer_tools, control=self.control, record_to=record_to
        )

    def _submit(
        self, thread_id: str, run_id: str, fields: Mapping[str, Any], options: RequestOptions
    ) -> Request:
        client = self._client
        return client.request(
            "POST",
            client.url("threads", thread_id, "runs", run_id, "submit_tool_outputs"),
            body={**fields, "stream": True},
            stream=True,
            creates_run=True,
            **options,
        )

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

    async def list(
        self,
        thread_id: str,
        *,
        limit: int | None = None,
        order: Literal["asc", "desc"] | None = None,
        after: str | None = None,
        before: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RunList:
        """One page of a thread's runs (``GET /threads/{thread_id}/runs``).

        Args:
            thread_id: the thread.
            limit: runs per page (the service allows 1 to 100; its default is 20).
            order: ``"desc"`` (newest first, the service's default) or ``"asc"``.
            after: the page after this run id (``RunList.last_id``).
            before: the page before this run id (``RunList.first_id``).
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Returns:
            The page, with ``has_more`` and the ids to ask for the next one.

        Raises:
            NotFoundError: no such thread.
            ConfigurationError: an empty id.
        """
        _, checked = split(options, RequestOptions, "list")
        client = self._client
        # A None value is not sent (``_requests`` rule 4).
        query = {"limit": limit, "order": order, "after": after, "before": before}
        url = client.url("threads", thread_id, "runs")
        return await client.fetch(client.request("GET", url, query=query, **checked), RunList)
