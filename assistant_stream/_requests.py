"""Building requests: one client's defaults plus one call's parts, checked before sending.

Rule 1 - an id is one path segment. Each segment is percent-encoded whole (``/``, ``?``,
``#`` and ``%`` included), and an empty segment, ``.`` or ``..`` is refused, so an id can
neither add, remove nor climb segments.

Rule 2 - a header that could split the request is refused. A name or value with CR or LF
(or a name that is not a token) is a ``ConfigurationError`` naming the header, before
anything is sent (``_auth.check_header``).

Rule 3 - a body is the JSON of its fields, and a model is sent as its JSON object without
the fields left unset: a field that is ``None`` is left out, as the service expects for
optional fields. Free-form JSON is sent exactly as given, ``null`` included: the raw object
of an ``Unknown...`` member, the JSON inside a model (a JSON schema, metadata), and any
dict or list the caller passed. A stream request's body always says ``"stream": true``.

Rule 4 - a query is flat: a list value repeats its key (``include[]``), ``None`` drops the
key, and booleans are ``true`` or ``false``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

import attrs
import orjson
from yarl import URL

from ._auth import check_header
from ._config import Timeout, TimeoutTypes
from ._converter import FAST, TAGGED_UNIONS
from ._transport import Request
from .errors import ConfigurationError

__all__ = ["RequestDefaults", "encode_body", "query_pairs"]

#: The ``Unknown...`` union members: their JSON is their raw object, kept whole.
_UNKNOWN: Final = frozenset(unknown for _, unknown in TAGGED_UNIONS)


@attrs.frozen
class RequestDefaults:
    """What every request of one client carries, and how one call's request is built.

    Attributes:
        base_url: the API root every path is joined to.
        headers: the client's headers (its own and ``default_headers``), already checked.
        query: the client's query parameters (``default_query``, Azure's ``api-version``).
        timeout: the timeout of every request that does not pass its own.
    """

    base_url: URL
    headers: Mapping[str, str]
    query: Mapping[str, str]
    timeout: Timeout

    def url(self, *segments: str) -> URL:
        """The URL of a path under ``base_url``, one escaped segment each (rule 1).

        Raises:
            ConfigurationError: an empty segment, ``.`` or ``..``, or not a ``str``.
        """
        encoded = []
        for segment in segments:
            if not isinstance(segment, str) or segment in ("", ".", ".."):
                raise ConfigurationError(f"an id must be a non-empty str, not {segment!r}")
            encoded.append(quote(segment, safe=""))
        return self.base_url.joinpath(*encoded, encoded=True)

    def request(
        self,
        method: str,
        url: URL,
        *,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        stream: bool = False,
        creates_run: bool = False,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: TimeoutTypes = None,
    ) -> Request:
        """One call's request: the defaults, then the call's parts (``extra_*`` win).

        Args:
            method: ``"GET"``, ``"POST"`` or ``"DELETE"``.
            url: from ``url()``.
            body: the JSON fields, or ``None`` for no body.
            query: the call's query parameters (rule 4).
            stream: whether the answer is an event stream.
            creates_run: whether the request starts a run (``Request.creates_run``).
            extra_headers: headers added to, and overriding, the client's (rule 2).
            extra_query: query parameters added to the call's.
            extra_body: fields added to ``body``.
            timeout: this call's timeout, instead of ``timeout``.

        Raises:
            ConfigurationError: a header that could split the request.
        """
        headers = dict(self.headers)
        if stream:
            headers.update({"Accept": "text/event-stream", "Accept-Encoding": "identity"})
        else:
            headers["Accept"] = "application/json"
        data = None
        if body is not None or extra_body:
            headers["Content-Type"] = "application/json"
            fields = {**(body or {}), **(extra_body or {})}
            if stream:
                fields["stream"] = True  # the answer is read as an event stream, whatever else
            data = encode_body(fields)
        for name, value in (extra_headers or {}).items():
            headers[check_header(name, value)] = value
        return Request(
            method,
            url,
            query=query_pairs({**self.query, **(query or {}), **(extra_query or {})}),
            headers=headers,
            body=data,
            timeout=Timeout.coerce(timeout, self.timeout),
            stream=stream,
            creates_run=creates_run,
        )


def encode_body(fields: Mapping[str, Any]) -> bytes:
    """The JSON of a request body, models included (rule 3)."""
    return orjson.dumps(fields, default=_model_json)


def _model_json(value: Any) -> Any:
    """The ``default`` of ``orjson.dumps``: what orjson cannot encode, one level at a time.

    A model becomes a dict of its fields that are not ``None``; orjson then encodes the
    values, calling this again for a nested model (also inside a tuple). An ``Unknown...``
    member becomes its raw object, and anything else what the converter makes of it, both
    as they are: ``None`` is dropped only between a model and its own fields.
    """
    kind = type(value)
    if kind in _UNKNOWN or not attrs.has(kind):
        return FAST.unstructure(value)
    return {
        field.name: item
        for field in attrs.fields(kind)
        if (item := getattr(value, field.name)) is not None
    }


def query_pairs(query: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Flatten a query (rule 4), in order."""
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((key, _query_value(item)) for item in values if item is not None)
    return tuple(pairs)


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
