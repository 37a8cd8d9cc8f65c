"""The Azure AI Foundry Agents flavour of the embedded server: ``AssistantServer(azure=True)``.

The service behind ``azure-ai-agents`` ("classic" agents) speaks the Assistants protocol
with a few differences; these rules are the server's when it is made with ``azure=True``.

Rule 1 - the endpoint: the same routes as OpenAI's, under a project endpoint
``/api/projects/assistant-stream`` (``PROJECT``) instead of ``/v1``, as
``https://<resource>.services.ai.azure.com/api/projects/<project>`` holds them.

Rule 2 - admission (``admit``), in this order, each refusal with the service's body
``{"error": {"code": ..., "message": ...}}``:

- ``Authorization: Bearer <token>`` (an Entra ID token; with ``api_key=`` set, that exact
  token): missing or wrong is a 401 (``UNAUTHORIZED``). No ``OpenAI-Beta`` header is asked
  for (one sent is ignored).
- ``?api-version=`` on every request: missing is a 400 ``BadRequest``, "Missing required
  query parameter: api-version"; one not in ``API_VERSIONS`` is a 400
  ``UnsupportedApiVersionValue`` naming the supported ones.

Rule 3 - bodies: a run may carry ``tool_resources`` (an MCP server's ``headers`` and
``require_approval``, say); from ``2025-05-15-preview`` (``APPROVALS_FROM``) a submit takes
``tool_approvals`` instead of ``tool_outputs`` (``BODIES``).

Rule 4 - objects are OpenAI's but for the fields the service does not send
(``OPENAI_ONLY``): agents and runs have no ``reasoning_effort``, usages no
``completion_tokens_details``. Steps keep ``expires_at`` and payloads ``assistant_id``, as
the recordings show; the SDK renames them on its side.

No I/O: ``_routes`` calls ``admit`` with the request's headers and query.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, Final

from ._refusals import ApiError

__all__ = [
    "API_VERSIONS",
    "APPROVALS_FROM",
    "BODIES",
    "OPENAI_ONLY",
    "PREFIX",
    "PROJECT",
    "admit",
    "body_of",
    "shaped",
]

#: The project the server's endpoint names.
PROJECT: Final = "assistant-stream"
PREFIX: Final = f"/api/projects/{PROJECT}"
#: The versions the service takes (its own list, in its refusal's words).
API_VERSIONS: Final = ("v1", "2025-05-01", "2025-05-15-preview")
#: The versions whose submit takes ``tool_approvals`` (MCP approvals came with the preview).
APPROVALS_FROM: Final = frozenset({"2025-05-15-preview"})
#: The fields of OpenAI's objects the Azure service does not send, by kind.
OPENAI_ONLY: Final[Mapping[str, frozenset[str]]] = {
    "assistant": frozenset({"reasoning_effort"}),
    "run": frozenset({"reasoning_effort"}),
    "usage": frozenset({"completion_tokens_details"}),
}
#: Which ``_fields.BODIES`` entry checks an endpoint's body, by api-version (Rule 3).
BODIES: Final[Mapping[str, tuple[str, str]]] = {
    # endpoint: (before APPROVALS_FROM, from it)
    "create_run": ("azure_create_run", "azure_create_run"),
    "submit_tool_outputs": ("submit_tool_outputs", "azure_submit_tool_outputs"),
}
UNAUTHORIZED: Final = (
    "Unauthorized. Access token is missing, invalid, audience is incorrect "
    "(https://ai.azure.com), or have expired."
)


def _error(status: int, code: str, message: str) -> ApiError:
    """A refusal with the Azure gateway's body: a code and a message, nothing else."""
    error = ApiError(status, message, code=code)
    error.body = {"error": {"code": code, "message": message}}
    return error


def admit(headers: Mapping[str, str], query: Mapping[str, str], token: str | None) -> None:
    """Check a request's token and api-version (Rule 2).

    Args:
        headers: the request's headers (case-insensitive, as aiohttp's).
        query: its query.
        token: the one token accepted, or ``None`` for any (or none).

    Raises:
        ApiError: 401 for a missing or wrong token, 400 for a missing or unknown version.
    """
    if token is not None:
        scheme, _, given = headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.encode(), token.encode()):
            raise _error(401, "401", UNAUTHORIZED)
    version = query.get("api-version")
    if not version:
        raise _error(400, "BadRequest", "Missing required query parameter: api-version")
    if version not in API_VERSIONS:
        supported = ", ".join(f"'{known}'" for known in API_VERSIONS)
        raise _error(
            400,
            "UnsupportedApiVersionValue",
            f"Unsupported api version '{version}'. The supported versions are {supported}",
        )


def body_of(endpoint: str, query: Mapping[str, str]) -> str:
    """The ``_fields.BODIES`` entry that checks ``endpoint``'s body at this api-version."""
    before, since = BODIES.get(endpoint, (endpoint, endpoint))
    return since if query.get("api-version") in APPROVALS_FROM else before


def shaped(kind: str, value: dict[str, Any]) -> dict[str, Any]:
    """``value`` (an OpenAI-shaped object of ``kind``) as the Azure service sends it."""
    dropped = OPENAI_ONLY.get(kind, frozenset())
    return {key: item for key, item in value.items() if key not in dropped}
