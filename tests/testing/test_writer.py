"""Tests of ``assistant_stream.testing._writer``: frames, line endings, a BOM, chunks, limits."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from strategies import writer_items, writer_options

from assistant_stream.sse import ServerSentEvent, SSEDecoder
from assistant_stream.testing._writer import BOM, DONE, KEEPALIVE, Writer

FRAME = b'event: thread.run.created\ndata: {"id":"run_1"}\n\n'
NAME, DATA = b"thread.run.created", b'{"id":"run_1"}'


def write_all(writer: Writer, count: int) -> list[bytes]:
    """Every write of ``count`` frames of ``NAME`` and ``DATA``, then of ``end()``."""
    writes = [piece for _ in range(count) for piece in writer.frame(NAME, DATA)]
    return writes + writer.end()


def test_frame_is_written_as_the_service_writes_it() -> None:
    """A frame is an ``event`` line, one ``data`` line and a blank line, in one write."""
    writer = Writer()

    assert [FRAME] == writer.frame(NAME, DATA)
    assert [b"event: done\ndata: [DONE]\n\n"] == writer.frame(*DONE)
    assert [] == writer.end()


def test_crlf_ends_every_line_with_cr_lf() -> None:
    """With ``crlf`` every line of a frame and of a comment ends in CR LF."""
    writer = Writer(crlf=True)

    assert [FRAME.replace(b"\n", b"\r\n")] == writer.frame(NAME, DATA)
    assert [b": keep-alive\r\n\r\n"] == writer.comment()


def test_bom_comes_once_at_the_start() -> None:
    """The byte-order mark is written before the first frame and never again."""
    writer = Writer(bom=True)

    assert [BOM + FRAME, FRAME] == writer.frame(NAME, DATA) + writer.frame(NAME, DATA)


def test_bom_comes_before_a_first_comment() -> None:
    """A keep-alive comment written first carries the byte-order mark."""
    writer = Writer(bom=True)

    assert [BOM + KEEPALIVE, FRAME] == writer.comment() + writer.frame(NAME, DATA)


def test_bom_alone_is_written_by_end() -> None:
    """A body with a byte-order mark and no frame still has the mark."""
    assert [BOM] == Writer(bom=True).end()


def test_chunk_event_is_one_write_per_frame() -> None:
    """``chunk="event"`` makes each frame and each comment one write."""
    writer = Writer(chunk="event")

    assert [FRAME, KEEPALIVE, FRAME] == (
        writer.frame(NAME, DATA) + writer.comment() + writer.frame(NAME, DATA)
    )


def test_chunk_byte_is_one_write_per_byte() -> None:
    """``chunk="byte"`` makes every write one byte, and nothing waits for ``end()``."""
    writer = Writer(chunk="byte", bom=True)

    writes = writer.frame(NAME, DATA)

    assert [1] * len(BOM + FRAME) == [len(piece) for piece in writes]
    assert BOM + FRAME == b"".join(writes)
    assert [] == writer.end()


@pytest.mark.parametrize("size", [1, 2, 7, len(FRAME) - 1, len(FRAME), len(FRAME) + 3, 1000])
def test_chunk_size_cuts_fixed_writes_across_frames(size: int) -> None:
    """A size makes writes of exactly that size, running across frames; ``end()`` the rest."""
    writer = Writer(chunk=size)

    writes = [piece for _ in range(3) for piece in writer.frame(NAME, DATA)]
    rest = writer.end()

    whole, remainder = divmod(3 * len(FRAME), size)
    assert [size] * whole == [len(piece) for piece in writes]
    assert ([remainder] if remainder else []) == [len(piece) for piece in rest]
    assert FRAME * 3 == b"".join(writes + rest)


def test_chunk_size_holds_back_a_frame_tail_until_the_next_write() -> None:
    """With a size, the bytes short of a whole chunk come out with the next frame."""
    writer = Writer(chunk=len(FRAME) - 2)

    first = writer.frame(NAME, DATA)
    second = writer.frame(NAME, DATA)

    assert [FRAME[:-2]] == first
    assert [FRAME[-2:] + FRAME[: len(FRAME) - 4]] == second
    assert [FRAME[-4:]] == writer.end()


def test_end_is_empty_the_second_time() -> None:
    """``end()`` hands the held bytes out once."""
    writer = Writer(chunk=7)
    writer.frame(NAME, DATA)

    writer.end()

    assert [] == writer.end()


@pytest.mark.parametrize("chunk", ["event", "byte", 1, 7, 40])
@pytest.mark.parametrize("limit", [0, 1, 20, len(FRAME), len(FRAME) + 1, 2 * len(FRAME) + 5])
def test_limit_cuts_the_body_at_exactly_limit_bytes(chunk: Any, limit: int) -> None:
    """However the body is chunked, ``limit`` bytes go out, then nothing, and ``cut`` is set."""
    writer = Writer(chunk=chunk, limit=limit)

    writes = write_all(writer, 4)

    assert (FRAME * 4)[:limit] == b"".join(writes)
    assert (True, limit) == (writer.cut, writer.written)
    assert ([], [], []) == (writer.frame(NAME, DATA), writer.comment(), writer.end())


@pytest.mark.parametrize("chunk", ["event", "byte", 7])
def test_limit_counts_the_bom(chunk: Any) -> None:
    """The byte-order mark is part of the body ``limit`` counts."""
    writer = Writer(chunk=chunk, bom=True, limit=10)

    assert (BOM + FRAME)[:10] == b"".join(write_all(writer, 2))


def test_limit_not_reached_leaves_the_body_whole() -> None:
    """A limit above the body's size changes nothing and ``cut`` stays false."""
    writer = Writer(chunk=7, limit=10 * len(FRAME))

    writes = write_all(writer, 3)

    assert (FRAME * 3, False, 3 * len(FRAME)) == (b"".join(writes), writer.cut, writer.written)


def test_limit_reached_at_a_frame_end_sets_cut() -> None:
    """A frame ending exactly at the limit is written whole and sets ``cut``."""
    writer = Writer(limit=len(FRAME))

    assert ([FRAME], True) == (writer.frame(NAME, DATA), writer.cut)


def test_keepalive_comment() -> None:
    """A keep-alive is a comment line and a blank line, which decode to no event."""
    writer = Writer()

    writes = writer.comment()

    assert [b": keep-alive\n\n"] == writes
    assert [] == SSEDecoder().feed(b"".join(writes))


def test_written_counts_bytes_held_for_a_chunk() -> None:
    """``written`` counts every byte of the body, also those not handed out yet."""
    writer = Writer(chunk=1000, bom=True)

    writer.frame(NAME, DATA)

    assert len(BOM + FRAME) == writer.written


@given(writer_items(), writer_options())
def test_decoder_reads_back_what_was_written(
    items: list[tuple[str, str] | None], options: dict[str, Any]
) -> None:
    """Any events and comments, however chunked and ended, decode back to the same events."""
    writer = Writer(**options)
    writes: list[bytes] = []
    for item in items:
        if item is None:
            writes += writer.comment()
        else:
            writes += writer.frame(item[0].encode(), item[1].encode())
    writes += writer.end()
    decoder = SSEDecoder()

    decoded = [event for piece in writes for event in decoder.feed(piece)] + decoder.finish()

    expected = [ServerSentEvent(name, data) for name, data in filter(None, items)]
    assert expected == decoded
    assert 0 == decoder.pending_bytes
