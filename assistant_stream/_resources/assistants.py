"""``client.assistants``: create, look up, list and delete the assistants that run threads.

Azure AI Foundry Agents calls assistants "agents" and serves them on the same
``/assistants`` path, with the same bodies and answers: on a client from
``AssistantClient.for_azure`` these calls create and manage agents (``model`` is a
deployment name there), and ``api-version`` is added to each, as to every call.

``tools=`` takes what ``runs.stream`` takes: tool definitions (dicts or models from
``assistant_stream.types``), a ``ToolRegistry`` (its definitions are sent), or a list
mixing definitions and one registry. The assistant keeps only the definitions: to have a
registry answer the calls of its runs, pass it to the stream as ``answer_tools=``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Unpack

from assistant_stream._registry import ToolRegistry
from assistant_stream.types.assistant import Assistant, AssistantDeleted, AssistantList

from ._params import RequestOptions, present, split, take_registry

if TYPE_CHECKING:
    from assistant_stream._client import AssistantClient

__all__ = ["Assistants"]


class Assistants:
    """Assistants (agents, on Azure AI Agents): ``client.assistants``."""

    def __init__(self, client: AssistantClient) -> None:
        self._client = client

    async def create(
        self,
        *,
        model: str,
        name: str | None = None,
        description: str | None = None,
        instructions: str | None = None,
        tools: ToolRegistry | Sequence[Any] | None = None,
        tool_resources: Any = None,
        metadata: Mapping[str, str] | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        response_format: Any = None,
        reasoning_effort: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Assistant:
        """Create an assistant (``POST /assistants``); an agent, on Azure AI Agents.

        A field left as ``None`` is not sent (the service's default applies); to send an
        explicit ``null``, or a field this version does not list, use ``extra_body``.

        Args:
            model: the model it runs (on Azure, a model deployment's name).
            name: up to 256 characters, for people.
            description: up to 512 characters, for people.
            instructions: its system instructions.
            tools: tool definitions, a ``ToolRegistry``, or a list mixing definitions and
                one registry (see the module docstring).
            tool_resources: files and vector stores for its tools
                (``{"code_interpreter": {"file_ids": [...]}}``...).
            metadata: key-value pairs stored with it.
            temperature: sampling temperature, 0 to 2.
            top_p: nucleus sampling mass, 0 to 1.
            response_format: ``"auto"``, ``{"type": "json_object"}``, a JSON schema format...
            reasoning_effort: ``"low"``, ``"medium"`` or ``"high"``, for reasoning models.
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Returns:
            The assistant, with its id.

        Raises:
            ConfigurationError: two registries among ``tools``.
            BadRequestError: a field the service refused.
        """
        _, checked = split(options, RequestOptions, "create")
        fields = present(
            model=model,
            name=name,
            description=description,
            instructions=instructions,
            tools=tools if tools is None or isinstance(tools, ToolRegistry) else list(tools),
            tool_resources=tool_resources,
            metadata=metadata,
            temperature=temperature,
            top_p=top_p,
            response_format=response_format,
            reasoning_effort=reasoning_effort,
        )
        take_registry(fields, None)  # a registry is replaced by its definitions
        client = self._client
        request = client.request("POST", client.url("assistants"), body=fields, **checked)
        return await client.fetch(request, Assistant)

    async def retrieve(self, assistant_id: str, **options: Unpack[RequestOptions]) -> Assistant:
        """Return an assistant (``GET /assistants/{assistant_id}``).

        Args:
            assistant_id: the assistant (the agent id, on Azure).
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Returns:
            The assistant.

        Raises:
            NotFoundError: no such assistant.
            ConfigurationError: an empty id.
        """
        _, checked = split(options, RequestOptions, "retrieve")
        client = self._client
        url = client.url("assistants", assistant_id)
        return await client.fetch(client.request("GET", url, **checked), Assistant)

    async def list(
        self,
        *,
        limit: int | None = None,
        order: Literal["asc", "desc"] | None = None,
        after: str | None = None,
        before: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AssistantList:
        """One page of the assistants (``GET /assistants``).

        Args:
            limit: assistants per page (the service allows 1 to 100; its default is 20).
            order: ``"desc"`` (newest first, the service's default) or ``"asc"``.
            after: the page after this assistant id (``AssistantList.last_id``).
            before: the page before this assistant id (``AssistantList.first_id``).
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Returns:
            The page, with ``has_more`` and the ids to ask for the next one.
        """
        _, checked = split(options, RequestOptions, "list")
        client = self._client
        query = present(limit=limit, order=order, after=after, before=before)
        request = client.request("GET", client.url("assistants"), query=query, **checked)
        return await client.fetch(request, AssistantList)

    async def delete(
        self, assistant_id: str, **options: Unpack[RequestOptions]
    ) -> AssistantDeleted:
        """Delete an assistant (``DELETE /assistants/{assistant_id}``); its threads remain.

        Args:
            assistant_id: the assistant (the agent id, on Azure).
            **options: ``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``.

        Returns:
            The service's answer, with ``deleted``.

        Raises:
            NotFoundError: no such assistant (already deleted, say).
            ConfigurationError: an empty id.
        """
        _, checked = split(options, RequestOptions, "delete")
        client = self._client
        url = client.url("assistants", assistant_id)
        return await client.fetch(client.request("DELETE", url, **checked), AssistantDeleted)
