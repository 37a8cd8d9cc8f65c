"""Tests for assistant_stream.sse: the SSE conformance checklist, chunking and limits.

The vectors are the checklist in section (a) of the SSE conformance research, items 1-43
(WHATWG HTML "Parsing/Interpreting an event stream"); each vector's id starts with the
checklist section letter and item number. Every vector is decoded whole, cut at every byte
offset into two and into three pieces, and one byte at a time. Items 39-41 are about the
HTTP transport; only their decoder-level part is a vector here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import pytest
from helpers import (
    Fed,
    feed_bytewise,
    feed_chunks,
    feed_cut,
    feed_every_split,
    feed_every_split3,
    feed_whole,
    split_at,
)
from hypothesis import given
from hypothesis import strategies as st
from strategies import chunked, sse_bodies

from assistant_stream.errors import EventTooLargeError, InvalidStateError
from assistant_stream.sse import (
    DEFAULT_MAX_EVENT_BYTES,
    MAX_CACHED_TYPES,
    MAX_RETRY_MS,
    ServerSentEvent,
    SSEDecoder,
)

BOM = b"\xef\xbb\xbf"
MiB = 1024 * 1024

# ---------------------------------------------------------------------------------------------
# Conformance vectors
# ---------------------------------------------------------------------------------------------


class Outcome(NamedTuple):
    """What a vector checks after the whole body was fed and the decoder finished."""

    events: list[tuple[str, str, str]]  # (event, data, id) of each dispatched event
    event_retries: list[int | None]  # each event's own retry
    last_event_id: str
    retry: int | None
    cut_short: bool  # pending_bytes > 0 after finish(): the body ended mid-event


def observe(fed: Fed) -> Outcome:
    """Summarise a fed decoder as an ``Outcome``."""
    decoder = fed.decoder
    return Outcome(
        events=[(e.event, e.data, e.id) for e in fed.events],
        event_retries=[e.retry for e in fed.events],
        last_event_id=decoder.last_event_id,
        retry=decoder.retry,
        cut_short=decoder.pending_bytes > 0,
    )


@dataclass(frozen=True)
class Vector:
    """One checklist case: the body (as the checklist chunks it) and the expected outcome."""

    id: str
    chunks: tuple[bytes, ...]
    events: tuple[tuple[str, str, str], ...]
    last_event_id: str = ""
    retry: int | None = None
    event_retries: tuple[int | None, ...] | None = None  # None: every event's is None
    cut_short: bool = False

    @property
    def body(self) -> bytes:
        """The whole body."""
        return b"".join(self.chunks)

    @property
    def expected(self) -> Outcome:
        """The outcome the decoder must reach, however the body is chunked."""
        retries = self.event_retries or (None,) * len(self.events)
        return Outcome(
            list(self.events), list(retries), self.last_event_id, self.retry, self.cut_short
        )


def v(
    name: str, body: bytes | list[bytes], events: list[tuple[str, str, str]], **kwargs: Any
) -> Vector:
    """Build a ``Vector``; a list body is the chunks as the checklist writes them."""
    chunks = tuple(body) if isinstance(body, list) else (body,)
    if "event_retries" in kwargs:
        kwargs["event_retries"] = tuple(kwargs["event_retries"])
    return Vector(name, chunks, tuple(events), **kwargs)


def msg(data: str, event_id: str = "") -> tuple[str, str, str]:
    """An expected event of the default type."""
    return ("message", data, event_id)


VECTORS = [
    # A. Decoding and BOM
    v("A1-bom", BOM + b"data: a\n\n", [msg("a")]),
    v("A2-bom-split", [b"\xef", b"\xbb\xbfdata: a\n\n"], [msg("a")]),
    v("A2-bom-split-byte-by-byte", [b"\xef", b"\xbb", b"\xbf", b"data: a\n\n"], [msg("a")]),
    v("A2-bom-only-body", BOM, []),
    v("A2-partial-bom-is-released", [b"\xef\xbb", b"\ndata: x\n\n"], [msg("x")]),
    v("A2-partial-bom-at-eof", b"\xef\xbb", [], cut_short=True),
    v("A3-two-boms", BOM + BOM + b"data: a\n\n", []),
    v("A3-two-boms-then-event", BOM + BOM + b"data: a\n\ndata: b\n\n", [msg("b")]),
    v("A4-bom-in-data-kept", "data: \ufeffx\n\n".encode(), [msg("\ufeffx")]),
    v("A4-bom-on-second-line-kept", b"\n" + BOM + b"data: a\n\n", []),
    v("A5-split-multibyte", [b"data: \xe4\xbd", b"\xa0\xe5\xa5\xbd\n\n"], [msg("你好")]),
    v("A5-four-byte-char", "data: \U0001f600\n\n".encode(), [msg("\U0001f600")]),
    v("A6-invalid-byte", b"data: \xff\n\n", [msg("\ufffd")]),
    v("A6-truncated-4-byte-sequence", b"data: \xf0\x9f\x98\n\n", [msg("\ufffd")]),
    v("A6-encoded-surrogate", b"data: \xed\xa0\x80\n\n", [msg("\ufffd" * 3)]),
    v("A6-overlong-nul", b"data: a\xc0\x80b\n\n", [msg("a\ufffd\ufffdb")]),
    v(
        "A6-invalid-in-event-and-id",
        b"event: \xff\nid: \xfe\ndata: a\n\n",
        [("\ufffd", "a", "\ufffd")],
        last_event_id="\ufffd",
    ),
    v("A7-nul-in-data", b"data: a\x00b\n\n", [msg("a\x00b")]),
    v(
        "A8-unicode-line-separators-are-data",
        "data: a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei\n\n".encode(),
        [msg("a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei")],
    ),
    v("A9-truncated-sequence-before-lf", b"data: \xe4\ndata: b\n\n", [msg("\ufffd\nb")]),
    v("A9-truncated-sequence-before-cr", b"data: \xe4\xbd\rdata: b\r\r", [msg("\ufffd\nb")]),
    # B. Line endings
    v("B10-lf", b"data: a\n\n", [msg("a")]),
    v("B11-crlf", b"data: a\r\n\r\n", [msg("a")]),
    v("B12-cr", b"data: a\r\r", [msg("a")]),
    v("B13-mixed-endings", b"data: a\n\r\ndata: b\r\r", [msg("a"), msg("b")]),
    v("B14-crlf-split", [b"data: a\r", b"\n\r\n"], [msg("a")]),
    v(
        "B14-crlf-split-keeps-event-type",
        [b"event: t\r", b"\ndata: a\r", b"\n\r", b"\n"],
        [("t", "a", "")],
    ),
    v("B15-cr-then-text", [b"data: a\r", b"data: b\r\r"], [msg("a\nb")]),
    v(
        "B16-one-byte-chunks-mixed-stream",
        b": hi\r\nevent: x\r\nid: 7\r\ndata: 1\r\n\r\ndata: 2\rdata: 3\r\rdata: 4\n\n",
        [("x", "1", "7"), msg("2\n3", "7"), msg("4", "7")],
        last_event_id="7",
    ),
    v("B17-latency-lf-crlf", b"data: a\n\r\n", [msg("a")]),
    v("B17-latency-crlf-lf", b"data: a\r\n\n", [msg("a")]),
    v("B17-latency-cr-lf-cr", b"data: a\r\n\r", [msg("a")]),
    v("B18-leading-blank-lines", b"\n\n\r\n\rdata: a\n\n", [msg("a")]),
    # C. Line classification and field parsing
    v("C19-comment-between-fields", b"data: a\n: hi\ndata: b\n\n", [msg("a\nb")]),
    v("C19-comment-block", b": ping\n\n", []),
    v("C19-empty-comment", b":\n\n", []),
    v("C19-comment-is-not-a-field", b":data: a\n\n", []),
    v("C20-one-space-removed", b"data:  a\n\n", [msg(" a")]),
    v("C20-no-space", b"data:a\n\n", [msg("a")]),
    v("C20-tab-kept", b"data:\tfoo\n\n", [msg("\tfoo")]),
    v("C20-trailing-space-kept", b"data: a \n\n", [msg("a ")]),
    v("C21-split-at-first-colon", b"data: a:b\n\n", [msg("a:b")]),
    v("C21-colon-value", b"data::\n\n", [msg(":")]),
    v("C22-name-case-sensitive", b"Data: a\n\n", []),
    v("C22-space-before-colon", b"data : a\n\n", []),
    v("C22-unknown-field-ignored", b"foo: bar\ndata: a\nfoo\n\n", [msg("a")]),
    v("C22-unknown-field-only", b"foo: bar\n\n", []),
    v("C23-bare-data", b"data\n\n", [msg("")]),
    v("C23-two-bare-data", b"data\ndata\n\n", [msg("\n")]),
    v("C24-data-lines-joined", b"data: a\ndata: b\n\n", [msg("a\nb")]),
    v("C24-trailing-empty-data-line", b"data: a\ndata:\n\n", [msg("a\n")]),
    v("C25-event-not-trimmed", b"event: add \ndata: x\n\n", [("add ", "x", "")]),
    v("C25-empty-event-is-message", b"event:\ndata: x\n\n", [msg("x")]),
    v("C25-last-event-field-wins", b"event: a\nevent: b\ndata: x\n\n", [("b", "x", "")]),
    # D. id and retry
    v(
        "D26-id-persists",
        b"id: 1\ndata: a\n\ndata: b\n\n",
        [msg("a", "1"), msg("b", "1")],
        last_event_id="1",
    ),
    v("D26-id-after-data-in-block", b"data: a\nid: 5\n\n", [msg("a", "5")], last_event_id="5"),
    v("D27-bare-id-resets", b"id: 1\ndata: a\n\nid\ndata: b\n\n", [msg("a", "1"), msg("b")]),
    v("D27-empty-id-resets", b"id: 1\ndata: a\n\nid:\ndata: b\n\n", [msg("a", "1"), msg("b")]),
    v(
        "D28-id-with-nul-ignored",
        b"id: 1\ndata: a\n\nid: 2\x00 3\ndata: b\n\n",
        [msg("a", "1"), msg("b", "1")],
        last_event_id="1",
    ),
    v("D29-id-only-block", b"id: 9\n\n", [], last_event_id="9"),
    v("D29-id-only-block-then-event", b"id: 9\n\ndata: a\n\n", [msg("a", "9")], last_event_id="9"),
    v("D30-retry", b"retry: 3000\ndata: a\n\n", [msg("a")], retry=3000, event_retries=[3000]),
    v(
        "D30-retry-no-space",
        b"retry:3000\ndata: a\n\n",
        [msg("a")],
        retry=3000,
        event_retries=[3000],
    ),
    v("D30-retry-plus-ignored", b"retry: +5\ndata: a\n\n", [msg("a")]),
    v("D30-retry-minus-ignored", b"retry: -1\ndata: a\n\n", [msg("a")]),
    v("D30-retry-trailing-space-ignored", b"retry: 5 \ndata: a\n\n", [msg("a")]),
    v("D30-retry-two-leading-spaces-ignored", b"retry:  5\ndata: a\n\n", [msg("a")]),
    v("D30-retry-underscore-ignored", b"retry: 1_000\ndata: a\n\n", [msg("a")]),
    v("D30-retry-exponent-ignored", b"retry: 1e3\ndata: a\n\n", [msg("a")]),
    v("D30-retry-arabic-indic-ignored", "retry: \u0663\ndata: a\n\n".encode(), [msg("a")]),
    v("D30-retry-fullwidth-ignored", "retry: \uff13\ndata: a\n\n".encode(), [msg("a")]),
    v("D30-retry-empty-ignored", b"retry:\ndata: a\n\n", [msg("a")]),
    v("D30-retry-bare-ignored", b"retry\ndata: a\n\n", [msg("a")]),
    v(
        "D30-retry-leading-zero",
        b"retry: 011\ndata: a\n\n",
        [msg("a")],
        retry=11,
        event_retries=[11],
    ),
    v(
        "D30-retry-many-leading-zeros",
        b"retry: " + b"0" * 20 + b"3000\ndata: a\n\n",
        [msg("a")],
        retry=3000,
        event_retries=[3000],
    ),
    v(
        "D30-retry-huge-clamped",
        b"retry: " + b"9" * 40 + b"\ndata: a\n\n",
        [msg("a")],
        retry=MAX_RETRY_MS,
        event_retries=[MAX_RETRY_MS],
    ),
    v(
        "D30-retry-just-above-max-clamped",
        b"retry: %d\ndata: a\n\n" % (MAX_RETRY_MS + 1),
        [msg("a")],
        retry=MAX_RETRY_MS,
        event_retries=[MAX_RETRY_MS],
    ),
    v("D30-retry-zero", b"retry: 0\ndata: a\n\n", [msg("a")], retry=0, event_retries=[0]),
    v("D30-retry-without-data", b"retry: 5\n\n", [], retry=5),
    v(
        "D30-retry-is-stream-state",
        b"retry: 5\ndata: a\n\ndata: b\n\n",
        [msg("a"), msg("b")],
        retry=5,
        event_retries=[5, None],
    ),
    v(
        "D30-invalid-retry-keeps-previous",
        b"retry: 100\ndata: a\n\nretry: x\ndata: b\n\n",
        [msg("a"), msg("b")],
        retry=100,
        event_retries=[100, None],
    ),
    # E. Dispatch
    v("E31-event-only-block", b"event: add\n\ndata: y\n\n", [msg("y")]),
    v(
        "E32-extra-blank-lines-after-id",
        b"id: 1\ndata: a\n\n\n\n",
        [msg("a", "1")],
        last_event_id="1",
    ),
    v(
        "E32-keepalives-after-id",
        b"id: 1\ndata: a\n\n: ping\n\n: ping\n\n",
        [msg("a", "1")],
        last_event_id="1",
    ),
    v("E33-empty-data", b"data:\n\n", [msg("")]),
    v("E34-buffers-reset", b"event: add\ndata: x\n\ndata: y\n\n", [("add", "x", ""), msg("y")]),
    # F. End of stream
    v("F35-unterminated-last-event", b"data: a\n\ndata: b", [msg("a")], cut_short=True),
    v("F36-one-newline-is-not-blank", b"data: a\n\ndata: b\n", [msg("a")], cut_short=True),
    v("F36-one-cr-is-not-blank", b"data: a\r\rdata: b\r", [msg("a")], cut_short=True),
    v("F36-one-crlf-is-not-blank", b"data: a\r\n\r\ndata: b\r\n", [msg("a")], cut_short=True),
    v("F37-cut-mid-line", b"data: a\n\nda", [msg("a")], cut_short=True),
    v("F37-cut-after-event-field", b"data: a\n\nevent:", [msg("a")], cut_short=True),
    v(
        "F37-cut-event-does-not-commit-its-id",
        b"id: 1\ndata: a\n\nid: 2\ndata: b\n",
        [msg("a", "1")],
        last_event_id="1",
        cut_short=True,
    ),
    v("F37-clean-end-after-comment", b"data: a\n\n: bye\n", [msg("a")]),
    v(
        "F38-done-sentinel-is-plain-text",
        b"event: done\ndata: [DONE]\n\n",
        [("done", "[DONE]", "")],
    ),
    # G. Transport items, decoder-level part only
    v(
        "G39-json-error-body-is-no-event-stream",
        b'{\n  "error": {\n    "message": "bad",\n    "type": "invalid_request_error"\n  }\n}\n',
        [],
        cut_short=True,
    ),
    v("G40-id-cannot-hold-cr", b"id: 1\r2\ndata: x\n\n", [msg("x", "1")], last_event_id="1"),
    v("G40-id-cannot-hold-lf", b"id: 1\n2\ndata: x\n\n", [msg("x", "1")], last_event_id="1"),
    v(
        "G41-assistants-stream-has-no-ids",
        b'event: thread.run.created\ndata: {"id":"run_1"}\n\n'
        b'event: thread.message.delta\ndata: {"delta":{}}\n\n'
        b"event: done\ndata: [DONE]\n\n",
        [
            ("thread.run.created", '{"id":"run_1"}', ""),
            ("thread.message.delta", '{"delta":{}}', ""),
            ("done", "[DONE]", ""),
        ],
    ),
]

# Items 42 (no line limit, a dedicated error) and 43 (linear time) need bodies too large to cut
# at every offset; they have their own tests below.

VECTOR_PARAMS = [pytest.param(vector, id=vector.id) for vector in VECTORS]

MODES: dict[str, Callable[[bytes], Iterable[Fed]]] = {
    "whole": lambda body: [feed_whole(body)],
    "every-split": feed_every_split,
    "every-3-split": feed_every_split3,
    "bytewise": lambda body: [feed_bytewise(body)],
}


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("vector", VECTOR_PARAMS)
def test_vector(vector: Vector, mode: str) -> None:
    """The vector decodes to its expected outcome however its body is chunked."""
    for fed in MODES[mode](vector.body):
        assert vector.expected == observe(fed), f"chunks: {fed.chunks!r}"


@pytest.mark.parametrize("vector", [pytest.param(x, id=x.id) for x in VECTORS if len(x.chunks) > 1])
def test_vector_as_chunked_in_checklist(vector: Vector) -> None:
    """The vector decodes correctly when chunked exactly as the checklist writes it."""
    assert vector.expected == observe(feed_chunks(vector.chunks))


# ---------------------------------------------------------------------------------------------
# Properties: chunking never matters, and the decoder agrees with the standard's algorithm
# ---------------------------------------------------------------------------------------------


def reference_decode(body: bytes) -> Outcome:
    """Decode a whole body by a direct transcription of the WHATWG algorithm, for comparison."""
    if body.startswith(BOM):
        body = body[len(BOM) :]
    *lines, remainder = re.split(r"\r\n|\r|\n", body.decode("utf-8", "replace"))
    events: list[ServerSentEvent] = []
    data = event_type = id_buffer = last_event_id = ""
    retry = event_retry = None
    in_event = False  # a field line arrived since the last blank line
    for line in lines:
        if not line:
            last_event_id = id_buffer
            if data:
                events.append(
                    ServerSentEvent(event_type or "message", data[:-1], last_event_id, event_retry)
                )
            data = event_type = ""
            event_retry = None
            in_event = False
            continue
        if line.startswith(":"):
            continue
        in_event = True
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            data += value + "\n"
        elif name == "event":
            event_type = value
        elif name == "id" and "\0" not in value:
            id_buffer = value
        elif name == "retry" and value and all(c in "0123456789" for c in value):
            retry = event_retry = min(int(value), MAX_RETRY_MS)
    cut_short = in_event or (remainder != "" and not remainder.startswith(":"))
    return Outcome(
        [(e.event, e.data, e.id) for e in events],
        [e.retry for e in events],
        last_event_id,
        retry,
        cut_short,
    )


def full_state(fed: Fed) -> tuple[list[ServerSentEvent], str, int | None, int]:
    """Everything observable after finish(), exact pending_bytes included."""
    decoder = fed.decoder
    return fed.events, decoder.last_event_id, decoder.retry, decoder.pending_bytes


@given(chunked(sse_bodies()))
def test_any_chunking_gives_the_events_of_the_whole_body(case: tuple[bytes, list[int]]) -> None:
    """Any chunking of any body gives exactly what feeding it whole gives, end state included."""
    body, cuts = case
    assert full_state(feed_whole(body)) == full_state(feed_cut(body, cuts))


@given(sse_bodies())
def test_decoder_agrees_with_the_standard_algorithm(body: bytes) -> None:
    """The decoder gives what a line-by-line transcription of the WHATWG algorithm gives."""
    assert reference_decode(body) == observe(feed_whole(body))


def deliver(chunks: list[bytes], limit: int) -> tuple[list[ServerSentEvent], bool]:
    """Feed until the end or an EventTooLargeError; return the events delivered and if it failed."""
    decoder = SSEDecoder(max_event_bytes=limit)
    events: list[ServerSentEvent] = []
    try:
        for chunk in chunks:
            events += decoder.feed(chunk)
    except EventTooLargeError as error:
        return events + error.events, True
    decoder.finish()
    return events, False


@given(chunked(sse_bodies()), st.integers(1, 40))
def test_chunking_does_not_change_what_the_limit_lets_through(
    case: tuple[bytes, list[int]], limit: int
) -> None:
    """With a small max_event_bytes, chunking changes neither the events delivered nor failure."""
    body, cuts = case
    assert deliver([body], limit) == deliver(split_at(body, cuts), limit)


# ---------------------------------------------------------------------------------------------
# Dispatch latency (item 17)
# ---------------------------------------------------------------------------------------------

ENDINGS = {
    "lf-lf": b"\n\n",
    "cr-cr": b"\r\r",
    "crlf-crlf": b"\r\n\r\n",
    "lf-crlf": b"\n\r\n",
    "crlf-lf": b"\r\n\n",
}


@pytest.mark.parametrize("ending", list(ENDINGS.values()), ids=list(ENDINGS))
def test_event_comes_from_the_feed_that_ends_at_its_blank_line(ending: bytes) -> None:
    """A chunk ending exactly at the blank line returns the event from that same feed call."""
    decoder = SSEDecoder()
    assert [ServerSentEvent("t", "a")] == decoder.feed(b"event: t\ndata: a" + ending)
    assert [ServerSentEvent("message", "b")] == decoder.feed(b"\ndata: b" + ending)


@pytest.mark.parametrize("ending", list(ENDINGS.values()), ids=list(ENDINGS))
def test_no_event_is_held_back_for_a_later_read(ending: bytes) -> None:
    """Wherever the body is cut, the event is out once its last byte has been fed."""
    body = b"event: t\ndata: a" + ending
    for k in range(len(body)):
        decoder = SSEDecoder()
        first, second = decoder.feed(body[:k]), decoder.feed(body[k:])
        assert [ServerSentEvent("t", "a")] == first + second, f"cut at {k}"
        assert [ServerSentEvent("message", "b")] == decoder.feed(b"\ndata: b" + ending)


# ---------------------------------------------------------------------------------------------
# End of input (items 35-37)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"", b"data: a\n\n", b"data: a\r\n\r\n", b"data: a\r\r", b"data: a\n\n: bye\n", b"id: 1\n\n"],
    ids=["empty", "lf", "crlf", "cr", "trailing-comment", "id-only"],
)
def test_clean_end_leaves_nothing_pending(body: bytes) -> None:
    """A body that ends at an event boundary leaves pending_bytes at 0 after finish()."""
    fed = feed_whole(body)
    nothing: list[ServerSentEvent] = []
    assert (nothing, 0) == (fed.decoder.finish(), fed.decoder.pending_bytes)


@pytest.mark.parametrize(
    "tail",
    [b"data: b", b"data: b\n", b"data: b\r\n", b"event:", b"event:\n", b"id: 2\n", b"retry: 1\n"],
    ids=["mid-line", "field-lf", "field-crlf", "only-event", "only-event-lf", "id", "retry"],
)
def test_cut_mid_event_leaves_bytes_pending_and_drops_the_event(tail: bytes) -> None:
    """A body cut inside an event leaves pending_bytes > 0 and never returns the partial event."""
    body = b"data: a\n\n" + tail
    for fed in [feed_whole(body), *feed_every_split(body), feed_bytewise(body)]:
        assert [ServerSentEvent("message", "a")] == fed.events
        assert fed.decoder.pending_bytes > 0


def test_end_of_input_completes_no_event() -> None:
    """finish() returns nothing, even for a body that stops right before its blank line."""
    fed = feed_whole(b"data: a\n")
    nothing: list[ServerSentEvent] = []
    assert [nothing, nothing] == list(fed.batches)


# ---------------------------------------------------------------------------------------------
# Linear time (item 43) and no line limit (item 42)
# ---------------------------------------------------------------------------------------------
# Sizes are chosen so that quadratic work (re-joining or re-scanning the buffer per chunk or
# per line) would take minutes; wall time is deliberately not asserted.


def decoded(fed: Fed) -> tuple[list[str], int]:
    """The data of each event and pending_bytes after finish()."""
    return [event.data for event in fed.events], fed.decoder.pending_bytes


@pytest.mark.parametrize("lines", [40_000, 250_000], ids=["H43-40k-lines", "H43-250k-lines"])
@pytest.mark.parametrize("piece", [None, 1400], ids=["whole", "1400B-pieces"])
def test_event_with_many_data_lines(lines: int, piece: int | None) -> None:
    """One event with very many data lines decodes to all of them."""
    body = b"".join(b"data: line %d\n" % i for i in range(lines)) + b"\n"
    chunks = [body] if piece is None else [body[i : i + piece] for i in range(0, len(body), piece)]
    expected = "\n".join(f"line {i}" for i in range(lines))
    assert ([expected], 0) == decoded(feed_chunks(chunks))


@pytest.mark.parametrize(
    ("size", "limit"),
    [(8 * MiB, DEFAULT_MAX_EVENT_BYTES), (96 * MiB, None)],
    ids=["H42-8MiB-line", "H43-96MiB-line"],
)
@pytest.mark.parametrize("ending", [b"\n\n", b"\r\n\r\n"], ids=["lf", "crlf"])
def test_huge_line_in_small_pieces(size: int, limit: int | None, ending: bytes) -> None:
    """One multi-MiB data line fed in 1,400-byte pieces decodes intact, with no line limit."""
    text = ("0123456789abcdefghijklmnopqrstuvwxyz" * 39)[:1400]
    count = size // len(text)
    piece = text.encode()  # the same object every time, so the test itself stays cheap
    fed = feed_chunks([b"data: ", *[piece] * count, ending], max_event_bytes=limit)
    # count disjoint copies of text in a string count times its length tile it exactly.
    found = [(len(event.data), event.data.count(text)) for event in fed.events]
    assert ([(count * len(text), count)], 0) == (found, fed.decoder.pending_bytes)


# ---------------------------------------------------------------------------------------------
# max_event_bytes (item 42)
# ---------------------------------------------------------------------------------------------


def test_too_large_event_raises_with_earlier_events() -> None:
    """Exceeding max_event_bytes raises, names the limit, and carries the chunk's earlier events."""
    decoder = SSEDecoder(max_event_bytes=50)
    with pytest.raises(EventTooLargeError, match=r"max_event_bytes=50\b") as caught:
        decoder.feed(b"data: a\n\nevent: e\ndata: b\n\ndata: " + b"x" * 100 + b"\n\ndata: c\n\n")
    earlier = [ServerSentEvent("message", "a"), ServerSentEvent("e", "b")]
    assert (earlier, 50) == (caught.value.events, caught.value.limit)
    assert caught.value.size > 50


def test_too_large_partial_line_raises() -> None:
    """A partial line that outgrows the limit raises before its end arrives."""
    decoder = SSEDecoder(max_event_bytes=50)
    assert [ServerSentEvent("message", "a")] == decoder.feed(b"data: a\n\n")
    for _ in range(3):  # 48 bytes of one line so far
        decoder.feed(b"data: " + b"x" * 10)
    with pytest.raises(EventTooLargeError) as caught:
        decoder.feed(b"data: " + b"x" * 10)
    nothing: list[ServerSentEvent] = []
    assert (nothing, 50, 64) == (caught.value.events, caught.value.limit, caught.value.size)


def test_too_large_event_over_several_lines_raises() -> None:
    """The limit is on the whole event, not one line."""
    with pytest.raises(EventTooLargeError):
        feed_whole(b"data: 0123456789\n" * 5 + b"\n", max_event_bytes=50)


def test_limit_is_inclusive() -> None:
    """An event whose field lines take exactly max_event_bytes bytes is accepted."""
    body = b"event: e\ndata: " + b"x" * 20 + b"\n\n"  # 9 + 27 = 36 bytes of field lines
    expected = [ServerSentEvent("e", "x" * 20)]
    for fed in [feed_whole(body, max_event_bytes=36), *feed_every_split(body, max_event_bytes=36)]:
        assert expected == fed.events, f"chunks: {fed.chunks!r}"
    with pytest.raises(EventTooLargeError):
        feed_whole(body, max_event_bytes=35)


@pytest.mark.parametrize(
    "body",
    [
        b"data: a\n\n: " + b"c" * 200 + b"\ndata: b\n\n",
        b"data: a\n: " + b"c" * 200 + b"\ndata: b\n\n",
        b"data: a\n\n: " + b"c" * 200,
    ],
    ids=["between-events", "inside-event", "unterminated-at-end"],
)
def test_comments_do_not_count_toward_the_limit(body: bytes) -> None:
    """A comment longer than max_event_bytes is fine, however it is chunked."""
    expected = full_state(feed_whole(body, max_event_bytes=None))
    assert expected[0]  # the body does hold events
    runs = [feed_whole(body, max_event_bytes=20), feed_bytewise(body, max_event_bytes=20)]
    for fed in [*runs, *feed_every_split(body, max_event_bytes=20)]:
        assert expected == full_state(fed), f"chunks: {fed.chunks!r}"


def test_endless_comment_is_not_kept() -> None:
    """A comment line that never ends neither fails the limit nor counts as pending."""
    decoder = SSEDecoder(max_event_bytes=100)
    decoder.feed(b": keep-alive")
    for _ in range(1000):
        decoder.feed(b" and on" * 10)
    assert [ServerSentEvent("message", "a")] == decoder.feed(b"\ndata: a\n\n")
    nothing: list[ServerSentEvent] = []
    assert (0, nothing) == (decoder.pending_bytes, decoder.finish())


def test_none_disables_the_limit() -> None:
    """max_event_bytes=None accepts a line longer than the default limit; the default does not."""
    piece = b"x" * MiB  # fed repeatedly; the decoder keeps references, not copies
    below = DEFAULT_MAX_EVENT_BYTES // MiB - 1  # "data: " plus this many pieces fits the default
    unlimited = SSEDecoder(max_event_bytes=None)
    limited = SSEDecoder()
    for decoder in (unlimited, limited):
        decoder.feed(b"data: ")
        for _ in range(below):
            decoder.feed(piece)
    for _ in range(2):
        unlimited.feed(piece)
    assert 6 + (below + 2) * MiB == unlimited.pending_bytes
    with pytest.raises(EventTooLargeError) as caught:
        limited.feed(piece)
    expected_limit = DEFAULT_MAX_EVENT_BYTES
    assert expected_limit == caught.value.limit


@pytest.mark.parametrize("limit", [0, -1])
def test_non_positive_limit_is_rejected(limit: int) -> None:
    """A limit below 1 is a ValueError."""
    with pytest.raises(ValueError, match="max_event_bytes"):
        SSEDecoder(max_event_bytes=limit)


def test_decoder_is_unusable_after_too_large_event() -> None:
    """After EventTooLargeError, feed() and finish() raise InvalidStateError."""
    decoder = SSEDecoder(max_event_bytes=10)
    with pytest.raises(EventTooLargeError):
        decoder.feed(b"data: " + b"x" * 20)
    with pytest.raises(InvalidStateError):
        decoder.feed(b"\n\n")
    with pytest.raises(InvalidStateError):
        decoder.feed(b"")
    with pytest.raises(InvalidStateError):
        decoder.finish()


# ---------------------------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------------------------


def test_feed_after_finish_raises() -> None:
    """feed() after finish() raises InvalidStateError, even with an empty chunk."""
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\n")
    decoder.finish()
    with pytest.raises(InvalidStateError):
        decoder.feed(b"data: b\n\n")
    with pytest.raises(InvalidStateError):
        decoder.feed(b"")


def test_finish_twice_is_fine() -> None:
    """A second finish() does nothing and returns an empty list."""
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\ndata: b")
    nothing: list[ServerSentEvent] = []
    assert (nothing, nothing, 7) == (decoder.finish(), decoder.finish(), decoder.pending_bytes)


def test_new_decoder_state() -> None:
    """A new decoder has no id, no retry and nothing pending."""
    decoder = SSEDecoder()
    expected: tuple[str, int | None, int] = ("", None, 0)
    assert expected == (decoder.last_event_id, decoder.retry, decoder.pending_bytes)


# ---------------------------------------------------------------------------------------------
# retry (item 30)
# ---------------------------------------------------------------------------------------------


def test_retry_sets_stream_and_event_retry() -> None:
    """retry: 3000 sets decoder.retry and the retry of the event in the same block."""
    fed = feed_whole(b"retry: 3000\ndata: a\n\n")
    assert ([ServerSentEvent("message", "a", "", 3000)], 3000) == (fed.events, fed.decoder.retry)


@pytest.mark.parametrize(
    "value",
    [b"+5", b"-1", b"5 ", b"1_000", b"1e3", "\u0663".encode(), "\u0661\u0662".encode(), b""],
    ids=[
        "plus",
        "minus",
        "trailing-space",
        "underscore",
        "exponent",
        "arabic-indic",
        "two-arabic-indic",
        "empty",
    ],
)
def test_invalid_retry_is_ignored(value: bytes) -> None:
    """A retry value that is not only ASCII digits changes nothing."""
    fed = feed_whole(b"retry: 7\n\nretry: " + value + b"\ndata: a\n\n")
    assert ([ServerSentEvent("message", "a", "", None)], 7) == (fed.events, fed.decoder.retry)


def test_huge_retry_is_clamped() -> None:
    """A retry value above MAX_RETRY_MS, even thousands of digits long, is clamped to it."""
    fed = feed_whole(b"retry: " + b"9" * 5000 + b"\ndata: a\n\n")
    expected = [ServerSentEvent("message", "a", "", MAX_RETRY_MS)]
    assert (expected, MAX_RETRY_MS) == (fed.events, fed.decoder.retry)


# ---------------------------------------------------------------------------------------------
# Frames: the same events without ServerSentEvent objects (Rule 4)
# ---------------------------------------------------------------------------------------------


def as_event(frame: tuple[str, bytes, str, int | None]) -> ServerSentEvent:
    event, data, last_id, retry = frame
    return ServerSentEvent(event, data.decode("utf-8", "replace"), last_id, retry)


@given(chunked(sse_bodies()))
def test_frames_are_the_standard_events_with_undecoded_data(case: tuple[bytes, list[int]]) -> None:
    """feed_frames(), however the body is cut, gives the WHATWG events, data as UTF-8 bytes."""
    body, cuts = case
    frames = []
    decoder = SSEDecoder()
    for chunk in split_at(body, cuts):
        frames += decoder.feed_frames(chunk)
    assert all(type(frame[1]) is bytes for frame in frames)
    expected = reference_decode(body)
    events = [as_event(frame) for frame in frames]
    assert expected.events == [(e.event, e.data, e.id) for e in events]
    assert expected.event_retries == [e.retry for e in events]


def test_frame_data_keeps_invalid_utf8_for_the_reader() -> None:
    """Invalid bytes stay in a frame's data; decoding it gives the event's U+FFFD."""
    body = b"event: x\ndata: a\xffb\ndata: \xe2\x82\n\n"
    (frame,) = SSEDecoder().feed_frames(body)
    assert frame == ("x", b"a\xffb\n\xe2\x82", "", None)
    assert SSEDecoder().feed(body) == [ServerSentEvent("x", "a\ufffdb\n\ufffd")]


def test_many_distinct_event_types_decode_and_the_cache_stays_bounded() -> None:
    """A server that invents a new name per event gets every name right, in bounded memory."""
    names = [f"kind.{n}" for n in range(3 * MAX_CACHED_TYPES)]
    body = b"".join(f"event: {name}\ndata: {n}\n\n".encode() for n, name in enumerate(names))
    decoder = SSEDecoder()
    events = decoder.feed(body) + decoder.feed(body)  # the second pass reads the cache
    assert [event.event for event in events] == names + names
    assert len(decoder._types) == MAX_CACHED_TYPES  # the cache itself: private, but the point


def test_cached_event_type_is_per_spelling() -> None:
    """``event:x`` and ``event: x`` set the same type; ``event:  x`` keeps its second space."""
    body = b"event:x\ndata: 1\n\nevent: x\ndata: 2\n\nevent:  x\ndata: 3\n\nevent:x\ndata: 4\n\n"
    decoder = SSEDecoder()
    assert [e.event for e in decoder.feed(body)] == ["x", "x", " x", "x"]
