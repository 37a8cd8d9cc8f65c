"""The assistant object (``/assistants``), a page of them, and the answer to a deletion.

Azure AI Foundry Agents calls assistants "agents" and serves them on the same
``/assistants`` path with the same object, so ``Assistant`` is an agent there too. Tools
the OpenAI service does not define (Azure's ``bing_grounding``, ``openapi``, ``mcp``...)
arrive as ``UnknownTool`` with every key kept.
"""

import attrs

from .run import AssistantResponseFormatOption
from .shared import Metadata, ToolResources
from .tools import AssistantTool

__all__ = ["Assistant", "AssistantDeleted", "AssistantList"]


@attrs.frozen(kw_only=True)
class Assistant:
    """An assistant (an agent, on Azure AI Agents): a model with instructions and tools.

    Attributes:
        id: the assistant id (``asst_...``).
        object: always ``"assistant"``.
        created_at: creation time, Unix seconds.
        name, description: for people; the model sees neither.
        model: the model it runs (a deployment name, on Azure).
        instructions: its system instructions.
        tools: the tools its runs may use, unless a run overrides them.
        tool_resources: files and vector stores attached for its tools.
        metadata: the API user's key-value pairs.
        temperature, top_p: its sampling settings.
        response_format: see ``AssistantResponseFormatOption``.
        reasoning_effort: sent by the live service for reasoning models, absent from the
            spec's object.
    """

    id: str
    object: str = "assistant"
    created_at: int | None = None
    name: str | None = None
    description: str | None = None
    model: str | None = None
    instructions: str | None = None
    tools: tuple[AssistantTool, ...] = ()
    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None
    temperature: float | None = None
    top_p: float | None = None
    response_format: AssistantResponseFormatOption | None = None
    reasoning_effort: str | None = None


@attrs.frozen(kw_only=True)
class AssistantList:
    """One page of assistants (``GET /assistants``).

    Attributes:
        data: the assistants, in the order asked for (``order="desc"``, newest first, is
            the service's default).
        first_id, last_id: the ids at the two ends of the page; pass ``after=last_id`` to
            get the next page.
        has_more: whether another page follows (``None`` if the server did not say).
        object: always ``"list"``.
    """

    data: tuple[Assistant, ...] = ()
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool | None = None
    object: str = "list"


@attrs.frozen(kw_only=True)
class AssistantDeleted:
    """The answer to ``DELETE /assistants/{assistant_id}``.

    Attributes:
        id: the assistant that was deleted.
        deleted: whether it was (``None`` if the server did not say).
        object: always ``"assistant.deleted"``.
    """

    id: str
    deleted: bool | None = None
    object: str = "assistant.deleted"
