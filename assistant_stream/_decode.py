"""``decode_event``: one wire event (its SSE name and data) becomes one typed event.

Rule 1 - the name picks the decoder with one dict lookup. Each known name has a decoder
built once, at import, around the cached cattrs hook of its data class; there is no trial
and error over a union. Names that are not in the table become ``UnknownEvent``.

Rule 2 - fast first, thorough on failure. The data is parsed by orjson and structured by the
fast converter. Only if that fails is the payload structured again by the detailed
converter, whose report (every problem with its JSON path) goes into
``MalformedEventError``. Success costs nothing extra. This module is the one place where
orjson and cattrs exceptions become ``MalformedEventError``.

Rule 3 - the two frames that are not plain objects are handled before JSON structuring:
``done`` carries the text ``[DONE]``; ``error`` carries an error object, bare or wrapped in
``{"error": ...}``. An error frame is never lost and never raises: a field that is not a
string (a numeric ``code``) becomes its JSON text, and data that is not an object becomes
the message as sent.
"""

from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs
import cattrs
import orjson

from . import _hotpath
from ._converter import DETAILED, FAST, WireTypeError, format_problem
from ._frozen import fast_constructor
from .errors import MalformedEventError
from .events import EVENT_TYPES, AssistantStreamEvent, DoneEvent, ErrorEvent, UnknownEvent
from .types.shared import ErrorObject

__all__ = ["decode_event", "decode_object"]

_T = TypeVar("_T")

_Decoder = Callable[[str | bytes], AssistantStreamEvent]

#: Events that most of a stream consists of, with their hand-written fast structuring.
_HOT_PATHS: Final[dict[str, Callable[[Any], Any]]] = {
    "thread.message.delta": _hotpath.message_delta,
    "thread.run.step.delta": _hotpath.run_step_delta,
}

_loads = orjson.loads
_JSONDecodeError = orjson.JSONDecodeError
_DONE: Final = DoneEvent()


def _text(data: str | bytes) -> str:
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def _parse(data: str | bytes) -> Any:
    """Parse JSON; invalid UTF-8 in bytes reads as U+FFFD, as the SSE rules decode it.

    orjson refuses such bytes, so only a failed parse pays for decoding them to text.

    Raises:
        orjson.JSONDecodeError: the data is not JSON.
    """
    try:
        return _loads(data)
    except _JSONDecodeError:
        if type(data) is not bytes:
            raise
    return _loads(data.decode("utf-8", "replace"))


def _parse_or_explain(event: str, data: str | bytes) -> Any:
    """Parse JSON, or raise ``MalformedEventError`` naming ``event``."""
    try:
        return _parse(data)
    except _JSONDecodeError as exc:
        problems = [f"invalid JSON ({exc.msg}) at line {exc.lineno} column {exc.colno} @ $"]
        raise MalformedEventError(event, problems, data) from exc


def _structure_or_explain(event: str, payload: Any, data_type: Any, data: str | bytes) -> Any:
    """Structure with the detailed converter; raise ``MalformedEventError`` if it fails too."""
    if type(payload) is not dict:
        problems = [f"{WireTypeError('an object', payload)} @ $"]
        raise MalformedEventError(event, problems, data)
    try:
        return DETAILED.structure(payload, data_type)
    except Exception as exc:
        problems = cattrs.transform_error(exc, path="$", format_exception=format_problem)
        raise MalformedEventError(event, problems, data) from exc


def _object_decoder(cls: Any) -> _Decoder:
    """Build the decoder of an event whose data is a JSON object of the class's data type."""
    event: str = cls.event
    data_type = attrs.fields_dict(cls)["data"].type
    hook = FAST.get_structure_hook(data_type)
    hot = _HOT_PATHS.get(event)
    build: Callable[[Any], AssistantStreamEvent] = fast_constructor(cls)

    def decode(data: str | bytes) -> AssistantStreamEvent:
        try:
            payload = _loads(data)
        except _JSONDecodeError:
            payload = _parse_or_explain(event, data)
        if hot is not None:
            structured = hot(payload)
            if structured is not None:
                return build(structured)
        try:
            structured = hook(payload, data_type)
        except Exception:
            structured = _structure_or_explain(event, payload, data_type, data)
        return build(structured)

    return decode


def _error_field(payload: dict[str, Any], key: str) -> str | None:
    """One field of an error object as text: a number or an object becomes its JSON text."""
    value = payload.get(key)
    if value is None or type(value) is str:
        return value
    return orjson.dumps(value).decode()


def _decode_error(data: str | bytes) -> AssistantStreamEvent:
    try:
        payload = _parse(data)
    except _JSONDecodeError:
        payload = None
    if type(payload) is dict and type(payload.get("error")) is dict:
        payload = payload["error"]
    if type(payload) is not dict:
        return ErrorEvent(ErrorObject(message=payload if type(payload) is str else _text(data)))
    fields = ("message", "type", "code", "param")
    return ErrorEvent(ErrorObject(**{key: _error_field(payload, key) for key in fields}))


def _decode_done(data: str | bytes) -> AssistantStreamEvent:
    text = _text(data)
    return _DONE if text == _DONE.data else DoneEvent(text)


_DECODERS: Final[dict[str, _Decoder]] = {
    name: _object_decoder(cls) for name, cls in EVENT_TYPES.items() if name.startswith("thread.")
}
_DECODERS["error"] = _decode_error
_DECODERS["done"] = _decode_done


def decode_event(event: str, data: str | bytes) -> AssistantStreamEvent:
    """Turn one server-sent event into a typed event.

    Args:
        event: the SSE event name, for example ``"thread.message.delta"``.
        data: the SSE data, as text or as UTF-8 bytes (``SSEDecoder.feed_frames()``);
            invalid UTF-8 in bytes reads as U+FFFD, as ``SSEDecoder.feed()`` decodes it.

    Returns:
        An instance of the class that ``EVENT_TYPES`` maps ``event`` to, or
        ``UnknownEvent`` for a name this version does not know (its data JSON-decoded
        when possible). Unknown keys and unknown union tags inside known events never
        fail: they are ignored, or kept as ``Unknown...`` members.

    Raises:
        MalformedEventError: the data of a known event is not JSON, or does not fit its
            schema (a required id missing, a wrong type). The error names the event and
            each problem with its JSON path; it quotes no value (the raw data is its
            ``data`` attribute).
    """
    decoder = _DECODERS.get(event)
    if decoder is not None:
        return decoder(data)
    try:
        return UnknownEvent(event, _parse(data))
    except _JSONDecodeError:
        return UnknownEvent(event, _text(data))


def decode_object(what: str, data: bytes, cls: type[_T]) -> _T:
    """Turn a JSON response body into the model ``cls`` (``Run``, ``Thread``, ``Message``...).

    Args:
        what: what the body answers, for the error message (``"response to GET ..."``).
        data: the body.
        cls: the model class.

    Raises:
        MalformedEventError: the body is not JSON or does not fit ``cls``, with each problem
            and its JSON path.
    """
    payload = _parse_or_explain(what, data)
    try:
        return FAST.structure(payload, cls)
    except Exception:
        return _structure_or_explain(what, payload, cls, data)  # type: ignore[no-any-return]
