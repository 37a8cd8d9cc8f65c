"""Hypothesis strategies shared by the test suite.

Generic strategies come first (``cut_points`` and ``chunked``, to cut any bytes value into
chunks), then one clearly marked section per module under test. Add a new section rather
than reusing another module's strategies in ways it did not mean.
"""

from __future__ import annotations

import functools
import operator
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import attrs
from hypothesis import strategies as st

from assistant_stream._converter import TAGGED_UNIONS
from assistant_stream.types import run as run_types
from assistant_stream.types.shared import JSONObject, Metadata

__all__ = [
    "SSE_FIELD_NAMES",
    "SSE_INVALID_UTF8",
    "SSE_LINE_TERMINATORS",
    "SSE_TRICKY_CHARACTERS",
    "chunked",
    "cut_points",
    "json_objects",
    "models",
    "sse_bodies",
    "sse_blocks",
    "sse_line_terminators",
    "sse_lines",
    "sse_values",
    "writer_items",
    "writer_options",
]


# ---------------------------------------------------------------------------------------------
# Generic: chunking of bytes
# ---------------------------------------------------------------------------------------------


def cut_points(length: int, max_cuts: int = 8) -> st.SearchStrategy[list[int]]:
    """Sorted offsets in ``[0, length]`` at which to cut a value of ``length`` bytes.

    Repeated offsets and offsets 0 and ``length`` give empty chunks, which a decoder must
    also accept. One example in a few cuts at every byte.
    """
    return st.one_of(
        st.lists(st.integers(0, length), max_size=max_cuts).map(sorted),
        st.just(list(range(1, length))),
    )


@st.composite
def chunked(
    draw: st.DrawFn, values: st.SearchStrategy[bytes], max_cuts: int = 8
) -> tuple[bytes, list[int]]:
    """A value drawn from ``values`` and cut points for it (use ``helpers.split_at``)."""
    value = draw(values)
    return value, draw(cut_points(len(value), max_cuts))


# ---------------------------------------------------------------------------------------------
# SSE: bodies of text/event-stream responses (assistant_stream.sse)
# ---------------------------------------------------------------------------------------------

#: The three line terminators of the event-stream grammar.
SSE_LINE_TERMINATORS = (b"\n", b"\r", b"\r\n")

#: Characters that break naive decoders: ``str.splitlines()`` separators (U+2028, U+2029,
#: NEL, VT, FF, FS, GS, RS), NUL, a BOM, colons and spaces, tabs and multi-byte characters.
SSE_TRICKY_CHARACTERS = "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e\x00\ufeff: \t\u00e9\u4f60\U0001f600"

#: Byte sequences that are not UTF-8: a lone 0xFF, a stray continuation byte, an overlong
#: NUL, an encoded surrogate, truncated 3- and 4-byte sequences and a partial BOM.
SSE_INVALID_UTF8 = (
    b"\xff",
    b"\x80",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xe4\xbd",
    b"\xf0\x9f\x98",
    b"\xef\xbb",
)

#: Field names: the four the standard knows, and near misses it must ignore.
SSE_FIELD_NAMES = (
    b"data",
    b"event",
    b"id",
    b"retry",
    b"Data",
    b"data ",
    b" data",
    b"dat",
    b"\xef\xbb\xbfdata",
    b"ID",
    b"foo",
    b"",
)

_value_segments = st.one_of(
    st.text(
        alphabet=st.one_of(
            st.sampled_from(SSE_TRICKY_CHARACTERS),
            st.characters(codec="utf-8", exclude_characters="\r\n"),
        ),
        max_size=6,
    ).map(str.encode),
    st.sampled_from(SSE_INVALID_UTF8),
)

_retry_values = st.one_of(
    st.integers(0, 10**6).map(lambda n: b"%d" % n),
    st.integers(0, 10**20).map(lambda n: b"000%d" % n),
    st.sampled_from([b"", b"+5", b"-1", b"5 ", b" 5", b"1_000", b"1e3", "\u0663".encode()]),
)


def sse_line_terminators() -> st.SearchStrategy[bytes]:
    """LF, CR or CRLF."""
    return st.sampled_from(SSE_LINE_TERMINATORS)


def sse_values(max_segments: int = 4) -> st.SearchStrategy[bytes]:
    """Field values as bytes: tricky text and invalid UTF-8, never CR or LF."""
    return st.lists(_value_segments, max_size=max_segments).map(b"".join)


def sse_lines() -> st.SearchStrategy[bytes]:
    """One line without its terminator: a field, a comment, a bare name or a blank line."""
    names = st.sampled_from(SSE_FIELD_NAMES)
    spaces = st.sampled_from([b"", b" ", b"  "])
    return st.one_of(
        st.tuples(names, spaces, sse_values()).map(lambda t: t[0] + b":" + t[1] + t[2]),
        st.tuples(st.just(b"data"), spaces, sse_values()).map(lambda t: b"data:" + t[1] + t[2]),
        st.tuples(spaces, _retry_values).map(lambda t: b"retry:" + t[0] + t[1]),
        st.tuples(sse_values(), sse_values()).map(lambda t: b"id: " + t[0] + b"\x00" + t[1]),
        sse_values().map(lambda value: b":" + value),  # a comment
        st.integers(0, 200).map(lambda n: b": " + b"k" * n),  # a long keep-alive comment
        names,  # a line without a colon: the name with an empty value
        st.just(b""),  # a blank line inside the block
    )


@st.composite
def sse_blocks(draw: st.DrawFn, max_lines: int = 5) -> bytes:
    """Lines with random terminators, usually closed by a blank line."""
    parts: list[bytes] = []
    for line in draw(st.lists(sse_lines(), max_size=max_lines)):
        parts += [line, draw(sse_line_terminators())]
    if draw(st.integers(0, 4)):  # mostly closed by a blank line
        parts.append(draw(sse_line_terminators()))
    return b"".join(parts)


@st.composite
def sse_bodies(draw: st.DrawFn, max_blocks: int = 5) -> bytes:
    """A whole event-stream body: an optional BOM, blocks, and sometimes a cut-off end.

    A CR terminator followed by a line that starts with the LF of another terminator makes
    one CRLF; that merging is intended, it is one more thing a decoder must get right.
    """
    body = b"".join(draw(st.lists(sse_blocks(), max_size=max_blocks)))
    if draw(st.integers(0, 3)) == 0:
        body = b"\xef\xbb\xbf" + body
    if draw(st.integers(0, 3)) == 0:  # the connection dropped somewhere
        body = body[: draw(st.integers(0, len(body)))]
    return body


# ---------------------------------------------------------------------------------------------
# Models: instances of assistant_stream.types classes, with every field drawn
# ---------------------------------------------------------------------------------------------

#: Text that JSON can carry (no lone surrogates), including non-ASCII.
json_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
#: Integers as JSON carries them losslessly, and finite floats.
json_ints = st.integers(-(2**53), 2**53)
json_floats = st.floats(allow_nan=False, allow_infinity=False)
json_scalars = st.one_of(st.none(), st.booleans(), json_ints, json_floats, json_text)
_json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(json_text, inner, max_size=3)
    ),
    max_leaves=6,
)


def json_objects() -> st.SearchStrategy[dict[str, Any]]:
    """Free-form JSON objects (schemas, metadata, raw unknown members)."""
    return st.dictionaries(json_text, _json_values, max_size=3)


_UNKNOWN_OF: dict[Any, type] = dict(TAGGED_UNIONS)
_UNKNOWN_OF[run_types.AssistantResponseFormatOption] = run_types.UnknownResponseFormat


def _known_tags(unknown: type) -> set[str]:
    union = next(u for u, fallback in _UNKNOWN_OF.items() if fallback is unknown)
    return {
        attrs.fields_dict(member)["type"].default
        for member in get_args(union)
        if member is not unknown and member is not str
    }


@functools.cache
def _unknown_members(unknown: type) -> st.SearchStrategy[Any]:
    """An ``Unknown...`` member: a tag nobody knows, and a raw object consistent with it."""
    fields = attrs.fields_dict(unknown)
    known = _known_tags(unknown)

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        tag = draw(json_text.filter(lambda t: t not in known))
        raw = {k: v for k, v in draw(json_objects()).items() if k not in ("type", "index", "id")}
        raw["type"] = tag
        extra: dict[str, Any] = {}
        if "index" in fields:
            extra["index"] = draw(st.none() | st.integers(0, 9))
            if extra["index"] is not None:
                raw["index"] = extra["index"]
        if "id" in fields:
            extra["id"] = draw(st.none() | json_text)
            if extra["id"] is not None:
                raw["id"] = extra["id"]
        return unknown(type=tag, raw=raw, **extra)

    return build()


def _values(type_: Any) -> st.SearchStrategy[Any]:
    """Values of a field type, as the converter would produce them from wire JSON."""
    if type_ in (JSONObject, Metadata):
        return json_objects()
    simple = {str: json_text, int: json_ints, float: json_floats, bool: st.booleans()}
    if type_ in simple:
        return simple[type_]
    if attrs.has(type_):
        return models(type_)
    if get_origin(type_) is tuple:
        return st.lists(_values(get_args(type_)[0]), max_size=3).map(tuple)
    if get_origin(type_) is dict:  # a mapping of names to models (``dict[str, X]``)
        return st.dictionaries(json_text, _values(get_args(type_)[1]), max_size=3)
    if get_origin(type_) in (UnionType, Union):
        members = [m for m in get_args(type_) if m is not NoneType]
        if len(members) < len(get_args(type_)):  # ``X | None``: X may itself be a union
            return st.none() | _values(functools.reduce(operator.or_, members))
        unknown = _UNKNOWN_OF.get(type_)
        strategies = [_values(m) for m in members if m is not unknown]
        if unknown is not None:
            strategies.append(_unknown_members(unknown))
        return st.one_of(strategies)
    raise TypeError(f"no strategy for {type_!r}")


@functools.cache
def models(cls: type) -> st.SearchStrategy[Any]:
    """Instances of a model class with every field drawn; tags and ``object`` keep their value.

    Known union members keep the ``type`` default that serves as their tag, so a generated
    model survives a round trip through JSON unchanged.
    """
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in attrs.fields(cls):
        if field.name in ("type", "object") and isinstance(field.default, str):
            fields[field.name] = st.just(field.default)
        else:
            fields[field.name] = _values(field.type)
    return st.builds(cls, **fields)


# ---------------------------------------------------------------------------------------------
# Writer: what the embedded server writes (assistant_stream.testing._writer)
# ---------------------------------------------------------------------------------------------

_one_line_text = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12)


def writer_items() -> st.SearchStrategy[list[tuple[str, str] | None]]:
    """What a body is written of: events as ``(name, data)``, and ``None`` for a keep-alive.

    Names are non-empty and neither holds CR or LF, as ``Writer.frame`` requires; both may
    hold colons, spaces, a BOM character or any other text.
    """
    event = st.tuples(_one_line_text.filter(bool), _one_line_text)
    return st.lists(st.one_of(event, st.none()), max_size=6)


def writer_options() -> st.SearchStrategy[dict[str, Any]]:
    """``Writer`` keyword arguments: any chunking, line ending and byte-order mark."""
    chunks = st.one_of(st.sampled_from(["event", "byte"]), st.integers(1, 40))
    return st.fixed_dictionaries({"chunk": chunks, "crlf": st.booleans(), "bom": st.booleans()})
