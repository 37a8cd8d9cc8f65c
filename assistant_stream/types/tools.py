"""Tool definitions: the ``tools`` of a run and of a message attachment.

``AssistantTool`` is a tagged union on ``type``: ``code_interpreter``, ``file_search``,
``function``, and ``UnknownTool`` for any other tag (Azure AI Agents adds ``bing_grounding``,
``azure_ai_search``, ``openapi``, ``mcp`` and more; they arrive as ``UnknownTool`` with
every key kept in ``raw``). Attachments use the same union: their ``file_search`` variant
simply has no options.
"""

from typing import TypeAlias

import attrs

from .shared import JSONObject

__all__ = [
    "AssistantTool",
    "CodeInterpreterTool",
    "FileSearchRankingOptions",
    "FileSearchTool",
    "FileSearchToolOptions",
    "FunctionDefinition",
    "FunctionTool",
    "UnknownTool",
]


@attrs.frozen(kw_only=True)
class CodeInterpreterTool:
    """The code interpreter tool."""

    type: str = "code_interpreter"


@attrs.frozen(kw_only=True)
class FileSearchRankingOptions:
    """How file search ranks results.

    Attributes:
        ranker: for example ``"auto"`` or ``"default_2024_08_21"`` (dated: new ones come).
        score_threshold: results scoring below it (0 to 1) are dropped.
    """

    ranker: str | None = None
    score_threshold: float | None = None


@attrs.frozen(kw_only=True)
class FileSearchToolOptions:
    """Settings of the file search tool (openai-python calls this class ``FileSearch``)."""

    max_num_results: int | None = None
    ranking_options: FileSearchRankingOptions | None = None


@attrs.frozen(kw_only=True)
class FileSearchTool:
    """The file search tool; ``file_search`` is absent on attachments."""

    type: str = "file_search"
    file_search: FileSearchToolOptions | None = None


@attrs.frozen(kw_only=True)
class FunctionDefinition:
    """A function the model may call.

    Attributes:
        name: the function's name.
        description: what it does, for the model.
        parameters: its JSON Schema, passed through untouched.
        strict: whether the model must follow the schema exactly.
    """

    name: str | None = None
    description: str | None = None
    parameters: JSONObject | None = None
    strict: bool | None = None


@attrs.frozen(kw_only=True)
class FunctionTool:
    """A function tool."""

    type: str = "function"
    function: FunctionDefinition | None = None


@attrs.frozen(kw_only=True)
class UnknownTool:
    """A tool whose ``type`` this version does not know; ``raw`` keeps every key."""

    type: str
    raw: JSONObject


AssistantTool: TypeAlias = CodeInterpreterTool | FileSearchTool | FunctionTool | UnknownTool
