"""``client.threads`` and ``client.threads.messages``: what a bot needs around a stream.

Create, look up and delete a thread, add a user's message, start a thread and its run in
one stream, and read a thread's messages back. Runs are in ``runs``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Unpack

from assistant_stream._record import RecordTarget
from assistant_stream._registry import ToolRegistry
from assistant_stream.stream import AssistantStream, Handlers
from assistant_stream.types.message import Message, MessageList
from assistant_stream.types.thread import Thread, ThreadDeleted

from ._params import CreateAndRunParams, RequestOptions, present, split, take_registry
from .runs import Runs

if TYPE_CHECKING:
    from assistant_stream._client import AssistantClient

__all__ = ["Messages", "Threads"]


class Threads:
    """Threads: ``client.threads``, with ``runs`` and ``messages`` under it."""

    def __init__(self, client: AssistantClient) -> None:
        self._client = client
        self.runs = Runs(client)
        self.messages = Messages(client)

    async def create(
        self,
        *,
        messages: Iterable[Mapping[str, Any]] | None = None,
        tool_resources: Any = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Thread:
        """Create a thread (``POST /threads``), optionally with its first messages."""
        _, checked = split(options, RequestOptions, "create")
        client = self._client
        body = present(
            messages=None if messages is None else list(messages),
            tool_resources=tool_resources,
            metadata=metadata,
        )
        return await client.fetch(
            client.request("POST", client.url("threads"), body=body, **checked), Thread
        )

    async def retrieve(self, thread_id: str, **options: Unpack[RequestOptions]) -> Thread:
        """Return a thread (``GET /threads/{thread_id}``).

        Args:
            thread_id: the thread.
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Returns:
            The thread.

        Raises:
            NotFoundError: no such thread.
            ConfigurationError: an empty id.
        """
        _, checked = split(options, RequestOptions, "retrieve")
        client = self._client
        url = client.url("threads", thread_id)
        return await client.fetch(client.request("GET", url, **checked), Thread)

    async def delete(self, thread_id: str, **options: Unpack[RequestOptions]) -> ThreadDeleted:
        """Delete a thread and its messages (``DELETE /threads/{thread_id}``).

        Args:
            thread_id: the thread.
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Returns:
            The service's answer, with ``deleted``.

        Raises:
            NotFoundError: no such thread (already deleted, say).
            ConfigurationError: an empty id.
        """
        _, checked = split(options, RequestOptions, "delete")
        client = self._client
        url = client.url("threads", thread_id)
        return await client.fetch(client.request("DELETE", url, **checked), ThreadDeleted)

    def create_and_run_stream(
        self,
        *,
        assistant_id: str,
        thread: Mapping[str, Any] | None = None,
        handler: Handlers = None,
        answer_tools: ToolRegistry | None = None,
        record_to: RecordTarget | None = None,
        **params: Unpack[CreateAndRunParams],
    ) -> AssistantStream:
        """Create a thread and run it in one stream (``POST /threads/runs``).

        The stream starts with ``thread.created``.

        Args:
            assistant_id: the assistant that runs it.
            thread: the new thread (``{"messages": [...], "metadata": ...}``), or ``None``
                for an empty one.
            handler: an ``EventHandler``, several, or ``None`` to iterate the events.
            answer_tools: a ``ToolRegistry`` that answers the run's function calls without
                sending its definitions (as for ``runs.stream``).
            **params: the request's fields (see ``CreateAndRunParams``; ``tools`` may hold a
            record_to: a path or a binary writer that receives the raw bytes of every body
                the stream reads, for ``replay()`` (see ``AssistantStream``).
                ``ToolRegistry``, as for ``runs.stream``) and ``extra_headers``,
                ``extra_query``, ``extra_body``, ``timeout``.

        Raises:
            TypeError: an unknown field name (nothing is sent).
            ConfigurationError: two registries.
        """
        fields, options = split(params, CreateAndRunParams, "create_and_run_stream")
        registry = take_registry(fields, answer_tools)
        client = self._client
        body = {"assistant_id": assistant_id, **present(thread=thread), **fields, "stream": True}
        request = client.request(
            "POST",
            client.url("threads", "runs"),
            body=body,
            stream=True,
            creates_run=True,
            **options,
        )
        return client.stream(
            request, handler, tools=registry, control=self.runs.control, record_to=record_to
        )


class Messages:
    """The messages of threads: ``client.threads.messages``."""

    def __init__(self, client: AssistantClient) -> None:
        self._client = client

    async def create(
        self,
        thread_id: str,
        *,
        content: str | Iterable[Mapping[str, Any]],
        role: Literal["user", "assistant"] = "user",
        attachments: Iterable[Mapping[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Message:
        """Add a message to a thread (``POST /threads/{thread_id}/messages``).

        Args:
            thread_id: the thread.
            content: the text, or content parts (``{"type": "text", "text": ...}``,
                ``{"type": "image_file", ...}``).
            role: ``"user"`` (the default) or ``"assistant"``.
            attachments: files for the tools, ``{"file_id": ..., "tools": [...]}``.
            metadata: key-value pairs stored with the message.
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.
        """
        _, checked = split(options, RequestOptions, "create")
        client = self._client
        body = present(
            role=role,
            content=content if isinstance(content, str) else list(content),
            attachments=None if attachments is None else list(attachments),
            metadata=metadata,
        )
        url = client.url("threads", thread_id, "messages")
        return await client.fetch(client.request("POST", url, body=body, **checked), Message)

    async def retrieve(
        self, thread_id: str, message_id: str, **options: Unpack[RequestOptions]
    ) -> Message:
        """Return a message (``GET /threads/{thread_id}/messages/{message_id}``).

        Args:
            thread_id: the message's thread.
            message_id: the message.
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Returns:
            The message.

        Raises:
            NotFoundError: no such thread or message.
            ConfigurationError: an empty id.
        """
        _, checked = split(options, RequestOptions, "retrieve")
        client = self._client
        url = client.url("threads", thread_id, "messages", message_id)
        return await client.fetch(client.request("GET", url, **checked), Message)

    async def list(
        self,
        thread_id: str,
        *,
        limit: int | None = None,
        order: Literal["asc", "desc"] | None = None,
        after: str | None = None,
        before: str | None = None,
        run_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> MessageList:
        """One page of a thread's messages (``GET /threads/{thread_id}/messages``).

        Args:
            thread_id: the thread.
            limit: messages per page (the service allows 1 to 100; its default is 20).
            order: ``"desc"`` (newest first, the service's default) or ``"asc"``.
            after: the page after this message id (``MessageList.last_id``).
            before: the page before this message id (``MessageList.first_id``).
            run_id: only the messages a run created.
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.
        """
        _, checked = split(options, RequestOptions, "list")
        client = self._client
        query = present(limit=limit, order=order, after=after, before=before, run_id=run_id)
        url = client.url("threads", thread_id, "messages")
        return await client.fetch(client.request("GET", url, query=query, **checked), MessageList)
