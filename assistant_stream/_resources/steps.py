"""``client.threads.runs.steps``: read back what a run did, one step at a time.

A stream delivers every step as it happens; these calls are for a run read later (after a
cut, or from another process). ``include`` goes in the query string as ``include[]``, as
for ``runs.stream``: ``"step_details.tool_calls[*].file_search.results[*].content"`` adds
the file search results' content, which the service leaves out by default.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Unpack

from assistant_stream.types.run_step import RunStep, RunStepList

from ._params import RequestOptions, split

if TYPE_CHECKING:
    from assistant_stream._client import AssistantClient

__all__ = ["Steps"]


class Steps:
    """The steps of runs: ``client.threads.runs.steps``."""

    def __init__(self, client: AssistantClient) -> None:
        self._client = client

    async def list(
        self,
        thread_id: str,
        run_id: str,
        *,
        limit: int | None = None,
        order: Literal["asc", "desc"] | None = None,
        after: str | None = None,
        before: str | None = None,
        include: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> RunStepList:
        """One page of a run's steps (``GET /threads/{thread_id}/runs/{run_id}/steps``).

        Args:
            thread_id: the run's thread.
            run_id: the run.
            limit: steps per page (the service allows 1 to 100; its default is 20).
            order: ``"desc"`` (newest first, the service's default) or ``"asc"``.
            after: the page after this step id (``RunStepList.last_id``).
            before: the page before this step id (``RunStepList.first_id``).
            include: extra fields to fill in (see the module docstring), sent as
                ``include[]``.
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Returns:
            The page, with ``has_more`` and the ids to ask for the next one.

        Raises:
            NotFoundError: no such thread or run.
            ConfigurationError: an empty id.
        """
        _, checked = split(options, RequestOptions, "list")
        client = self._client
        query = {  # a None value is not sent (``_requests`` rule 4)
            "limit": limit,
            "order": order,
            "after": after,
            "before": before,
            "include[]": list(include) if include else None,
        }
        url = client.url("threads", thread_id, "runs", run_id, "steps")
        return await client.fetch(client.request("GET", url, query=query, **checked), RunStepList)

    async def retrieve(
        self,
        thread_id: str,
        run_id: str,
        step_id: str,
        *,
        include: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> RunStep:
        """Return one step (``GET /threads/{thread_id}/runs/{run_id}/steps/{step_id}``).

        Args:
            thread_id: the run's thread.
            run_id: the run.
            step_id: the step.
            include: extra fields to fill in (see the module docstring), sent as
                ``include[]``.
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Returns:
            The step.

        Raises:
            NotFoundError: no such thread, run or step.
            ConfigurationError: an empty id.
        """
        _, checked = split(options, RequestOptions, "retrieve")
        client = self._client
        query = {"include[]": list(include)} if include else None
        url = client.url("threads", thread_id, "runs", run_id, "steps", step_id)
        return await client.fetch(client.request("GET", url, query=query, **checked), RunStep)
