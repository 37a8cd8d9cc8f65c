"""The embedded server's error answers, worded and shaped as the real service's.

Every refusal is an ``ApiError``: a status and the body ``{"error": {"message", "type",
"param", "code"}}`` (``../shared/recorded/errors/`` holds real ones). The functions below
make the ones the service gives, with its wording, so a client's error handling meets the
messages it will meet in production. None quotes a secret: a wrong key is masked, as the
service masks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "ApiError",
    "active_run",
    "bad_key",
    "bad_type",
    "cannot_cancel",
    "missing",
    "missing_key",
    "no_tool_outputs",
    "not_found",
    "unknown_argument",
    "wrong_answer",
    "wrong_tool_calls",
]

_INVALID: Final = "invalid_request_error"

#: The bodies a fault with only a status sends, by status (the service's wording).
STATUS_BODIES: Final[Mapping[int, tuple[str, str, str | None]]] = {
    400: ("Bad request.", _INVALID, None),
    401: ("Incorrect API key provided.", _INVALID, "invalid_api_key"),
    403: ("You are not allowed to sample from this model.", _INVALID, None),
    404: ("Not found.", _INVALID, None),
    409: ("The request conflicted with another one. Try again.", _INVALID, None),
    429: (
        "Rate limit reached for requests. Please try again in 1s.",
        "requests",
        "rate_limit_exceeded",
    ),
    500: (
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        None,
    ),
    502: ("Bad gateway.", "server_error", None),
    503: ("The engine is currently overloaded, please try again later.", "server_error", None),
}


class ApiError(Exception):
    """A refusal: the HTTP status and the service's error object."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = _INVALID,
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {
            "error": {"message": message, "type": type, "param": param, "code": code}
        }


def for_status(status: int) -> dict[str, Any]:
    """The body the service sends with ``status`` when nothing more specific applies."""
    message, kind, code = STATUS_BODIES.get(status, (f"HTTP {status}.", "server_error", None))
    return ApiError(status, message, type=kind, code=code).body


def masked(key: str) -> str:
    """A key as the service quotes it: its first and last few characters only."""
    if len(key) <= 8:
        return "*" * len(key)
    return f"{key[:3]}{'*' * (len(key) - 7)}{key[-4:]}"


def missing_key() -> ApiError:
    """No ``Authorization: Bearer`` header."""
    return ApiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization "
        "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    )


def bad_key(key: str) -> ApiError:
    """A key the server does not know (quoted masked, as in ``E01-401-invalid-api-key``)."""
    return ApiError(
        401,
        f"Incorrect API key provided: {masked(key)}. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        code="invalid_api_key",
    )


def beta_header() -> ApiError:
    """A request without ``OpenAI-Beta: assistants=v2``."""
    return ApiError(
        400,
        "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try "
        "again by setting the header 'OpenAI-Beta: assistants=v2'.",
        code="invalid_beta",
    )


def not_found(kind: str, ident: str) -> ApiError:
    """An id the server does not have, as ``E02-404-no-thread-found``."""
    return ApiError(404, f"No {kind} found with id '{ident}'.")


def missing(param: str) -> ApiError:
    """A required field left out."""
    return ApiError(
        400,
        f"Missing required parameter: '{param}'.",
        param=param,
        code="missing_required_parameter",
    )


def bad_type(param: str, expected: str, got: Any) -> ApiError:
    """A field of the wrong JSON type."""
    return ApiError(
        400,
        f"Invalid type for '{param}': expected {expected}, but got {json_type(got)} instead.",
        param=param,
        code="invalid_type",
    )


def bad_value(param: str, message: str) -> ApiError:
    """A field whose value the server refuses."""
    return ApiError(
        400, f"Invalid value for '{param}': {message}", param=param, code="invalid_value"
    )


def unknown_argument(name: str) -> ApiError:
    """A field the endpoint does not take."""
    return ApiError(
        400,
        f"Unrecognized request argument supplied: {name}",
        param=name,
        code="unknown_parameter",
    )


def no_body() -> ApiError:
    """A body that is not a JSON object."""
    return ApiError(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you "
        "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
    )


def active_run(thread_id: str, run_id: str) -> ApiError:
    """A second run on a thread whose run is still going."""
    return ApiError(400, f"Thread {thread_id} already has an active run {run_id}.")


def cannot_cancel(status: str) -> ApiError:
    """Cancelling a run that already ended, as ``E09-400-cannot-cancel-completed-run``."""
    return ApiError(400, f"Cannot cancel run with status '{status}'.")


def no_tool_outputs(status: str) -> ApiError:
    """Submitting outputs to a run that is not waiting for them."""
    return ApiError(400, f'Runs in status "{status}" do not accept tool outputs.')


def wrong_tool_calls(expected: list[str], got: list[str], what: str = "outputs") -> ApiError:
    """Outputs (or approvals) whose ids are not exactly the calls the run waits for."""
    return ApiError(400, f"Expected tool {what} for call_ids {expected}, got {got}")


def wrong_answer(expected: str, given: str) -> ApiError:
    """Tool outputs for a run waiting for approvals (Azure's MCP calls), or the reverse."""
    return ApiError(
        400,
        f"The run is waiting for {expected.replace('_', ' ')}: submit '{expected}', not '{given}'.",
        param=given,
    )


def one_answer() -> ApiError:
    """A submit with both ``tool_outputs`` and ``tool_approvals``, or neither."""
    return ApiError(
        400,
        "Provide exactly one of 'tool_outputs' and 'tool_approvals'.",
        param="tool_outputs",
        code="invalid_value",
    )


def no_message() -> ApiError:
    """A run on a thread with nothing to answer, as ``E14-400-invalid-thread-run-create``."""
    return ApiError(
        400,
        "Run creation requires a Thread with a user message or an assistant with instructions.",
        code="invalid_thread",
    )


def json_type(value: Any) -> str:
    """The JSON type of a decoded value, as the service names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
