"""Small models shared by threads, runs, steps and messages, and the conventions of all models.

Conventions kept by every module of ``assistant_stream.types``:

- Models are frozen, slotted attrs classes, built by the package's converter; users read
  them and never subclass them. Arrays are tuples, so a model never changes after it is
  made. Free-form JSON (``metadata``, JSON schemas, raw unknown members) stays a plain dict:
  treat it as read-only.
- Tolerant by design. Only ``id`` on top-level objects and ``index`` on delta array entries
  are required; every other field defaults to ``None`` (or ``()`` for arrays), because the
  spec's ``required`` lists are wrong in places and compatible servers omit fields. Keys this
  version does not know are ignored.
- Server-controlled enums (``status``, ``type``, ``object``, ``reason``, ``ranker``...) are
  plain ``str``: a value added by the server tomorrow arrives as is. The known values are
  listed as constants (``RunStatus.COMPLETED``...); compare against them, never enumerate.
- Tagged unions switch on the ``type`` key. A member whose tag this version does not know
  becomes the union's ``Unknown...`` class, which keeps the raw dict.
- In delta models ``None`` means "absent or null: no change". String fields that arrive in
  fragments (``text.value``, ``refusal``, ``function.arguments``, ``code_interpreter.input``,
  ``logs``) hold only the fragment carried by that event.
- Timestamps (``*_at``) are integer Unix seconds.
"""

from typing import Any, Final, TypeAlias

import attrs

__all__ = [
    "CompletionTokensDetails",
    "ErrorObject",
    "IncompleteDetails",
    "IncompleteReason",
    "JSONObject",
    "LastError",
    "LastErrorCode",
    "Metadata",
    "PromptTokenDetails",
    "ToolResources",
    "ToolResourcesCodeInterpreter",
    "ToolResourcesFileSearch",
    "Usage",
]

#: A free-form JSON object, passed through untouched (JSON schemas, raw unknown members).
JSONObject: TypeAlias = dict[str, Any]

#: Up to 16 string pairs attached by the API user.
Metadata: TypeAlias = dict[str, str]


@attrs.frozen(kw_only=True)
class ErrorObject:
    """The error carried by an ``error`` stream event (and by HTTP error bodies).

    Attributes:
        message: what went wrong, in the server's words.
        type: the error class, for example ``"server_error"`` (an open set).
        code: a machine-readable code, if any.
        param: the request parameter at fault, if any.
    """

    message: str | None = None
    type: str | None = None
    code: str | None = None
    param: str | None = None


@attrs.frozen(kw_only=True)
class LastError:
    """Why a run or run step failed. ``code`` values: ``LastErrorCode``."""

    code: str | None = None
    message: str | None = None


class LastErrorCode:
    """Known values of ``LastError.code`` (``INVALID_PROMPT`` is sent for runs only)."""

    SERVER_ERROR: Final = "server_error"
    RATE_LIMIT_EXCEEDED: Final = "rate_limit_exceeded"
    INVALID_PROMPT: Final = "invalid_prompt"


@attrs.frozen(kw_only=True)
class IncompleteDetails:
    """Why a run or message ended incomplete. ``reason`` values: ``IncompleteReason``."""

    reason: str | None = None


class IncompleteReason:
    """Known values of ``IncompleteDetails.reason`` for runs and for messages."""

    MAX_COMPLETION_TOKENS: Final = "max_completion_tokens"
    MAX_PROMPT_TOKENS: Final = "max_prompt_tokens"
    CONTENT_FILTER: Final = "content_filter"
    MAX_TOKENS: Final = "max_tokens"
    RUN_CANCELLED: Final = "run_cancelled"
    RUN_EXPIRED: Final = "run_expired"
    RUN_FAILED: Final = "run_failed"


@attrs.frozen(kw_only=True)
class PromptTokenDetails:
    """Breakdown of prompt tokens (sent by the live service, absent from the spec)."""

    cached_tokens: int | None = None


@attrs.frozen(kw_only=True)
class CompletionTokensDetails:
    """Breakdown of completion tokens (sent by the live service, absent from the spec)."""

    reasoning_tokens: int | None = None


@attrs.frozen(kw_only=True)
class Usage:
    """Token counts of a run or a run step; ``None`` until it reaches a terminal status."""

    completion_tokens: int | None = None
    prompt_tokens: int | None = None
    total_tokens: int | None = None
    prompt_token_details: PromptTokenDetails | None = None
    completion_tokens_details: CompletionTokensDetails | None = None


@attrs.frozen(kw_only=True)
class ToolResourcesCodeInterpreter:
    """Files made available to the code interpreter tool."""

    file_ids: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ToolResourcesFileSearch:
    """Vector stores made available to the file search tool."""

    vector_store_ids: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ToolResources:
    """Resources attached to a thread or a run for its tools."""

    code_interpreter: ToolResourcesCodeInterpreter | None = None
    file_search: ToolResourcesFileSearch | None = None
