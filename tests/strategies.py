"""Hypothesis strategies shared by the test suite.

Generic strategies come first (``cut_points`` and ``chunked``, to cut any bytes value into
chunks), then one clearly marked section per module under test. Add a new section rather
than reusing another module's strategies in ways it did not mean.
"""

from __future__ import annotations

from hypothesis import strategies as st

__all__ = [
    "SSE_FIELD_NAMES",
    "SSE_INVALID_UTF8",
    "SSE_LINE_TERMINATORS",
    "SSE_TRICKY_CHARACTERS",
    "chunked",
    "cut_points",
    "sse_bodies",
    "sse_blocks",
    "sse_line_terminators",
    "sse_lines",
    "sse_values",
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
