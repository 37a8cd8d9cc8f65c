"""The errors of a response that is not the stream asked for: HTTP statuses, wrong content.

These classes are part of ``assistant_stream.errors`` (which re-exports them and draws
them in its tree); they live here to keep that module short. ``error_for_status`` maps a
status to its class with one table lookup.
"""

from __future__ import annotations

from ._error_base import AssistantStreamError, details, field, said

__all__ = [
    "APIResponseError",
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "error_for_status",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
]


class APIResponseError(AssistantStreamError):
    """The server answered with an error, or with something that is not an event stream.

    Attributes:
        status_code: the HTTP status.
        request: the method and URL, without the query string.
        request_id: the ``x-request-id`` response header, for the service's support.
        body: the response body: the parsed JSON if it was JSON, else its text (cut to a
            short excerpt, credentials masked).
        message, type, param, code: the fields of the service's error object
            (``{"error": {"message": ..., "type": ..., "param": ..., "code": ...}}``),
            ``None`` where absent. ``message`` falls back to a ``detail`` or ``message``
            field at the top level, or the body's text.
    """

    TEXT_FIELDS = ("message", "type", "param", "code")

    def __init__(
        self,
        status_code: int,
        body: object,
        *,
        request: str,
        request_id: str | None = None,
        note: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.request = request
        self.request_id = request_id
        error = body.get("error") if isinstance(body, dict) else None
        fields: dict[object, object] = error if isinstance(error, dict) else {}
        top: dict[object, object] = body if isinstance(body, dict) else {}
        message = fields.get("message", top.get("detail", top.get("message")))
        if isinstance(error, str):
            message = error
        elif message is None and isinstance(body, str):
            message = body
        self.message = field(message)
        self.type = field(fields.get("type"))
        self.param = field(fields.get("param"))
        self.code = field(fields.get("code"))
        listed = details(
            ("type", self.type),
            ("param", self.param),
            ("code", self.code),
            ("request id", request_id),
        )
        head = note or f"HTTP {status_code}"
        super().__init__(f"{head} from {request}: {said(self.message)}{listed}")


class APIStatusError(APIResponseError):
    """The server answered with an HTTP error status (3xx that is not followed, 4xx, 5xx).

    The subclasses name the common statuses; other statuses raise this class itself.
    """


class BadRequestError(APIStatusError):
    """400: the request was invalid (a missing or wrong parameter)."""


class AuthenticationError(APIStatusError):
    """401: the API key or token is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials may not do this."""


class NotFoundError(APIStatusError):
    """404: the thread, run or path does not exist."""


class ConflictError(APIStatusError):
    """409: the resource is in a conflicting state (for example a run already active)."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests, or the quota is used up (``code`` tells which)."""


class InternalServerError(APIStatusError):
    """500 and above: the service failed."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_for_status(status_code: int) -> type[APIStatusError]:
    """Return the ``APIStatusError`` subclass for an HTTP status (the class itself if none)."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


class UnexpectedResponseError(APIResponseError):
    """A streaming request was answered with a success status but not an event stream.

    Services have answered ``stream: true`` requests with a JSON error body and status 200;
    that body is parsed into ``message``, ``type``, ``param`` and ``code`` as for a status
    error. It is never fed to the SSE decoder.

    Attributes:
        content_type: the response's ``Content-Type`` (without parameters), ``None`` if absent.
    """

    def __init__(
        self,
        status_code: int,
        body: object,
        *,
        request: str,
        request_id: str | None = None,
        content_type: str | None = None,
    ) -> None:
        self.content_type = content_type
        note = (
            f"HTTP {status_code} with content type {content_type!r} instead of 'text/event-stream'"
        )
        super().__init__(status_code, body, request=request, request_id=request_id, note=note)
