"""Test helpers: feed bytes in every way a network could deliver them; walk decoded models.

A sans-I/O decoder here is any object with ``feed(chunk: bytes) -> list`` and
``finish() -> list`` (``assistant_stream.sse.SSEDecoder`` is the first). Chunk boundaries
carry no meaning on the wire, so a test vector should give the same result however its bytes
are cut. These helpers feed one body whole, cut at every byte offset (into two or three
pieces), one byte at a time, or at chosen cut points, then call ``finish()``, and return a
``Fed`` record: the chunks, what each call returned, and the finished decoder for checking its
end state. ``factory`` selects the decoder class (``SSEDecoder`` unless given); any other
keyword goes to it, for example ``feed_whole(body, max_event_bytes=64)``.

``walk`` and ``unknown_members`` look inside decoded events and models, for example to
check that a recording decodes with no ``Unknown...`` fallback anywhere.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple, Protocol

import attrs

from assistant_stream.sse import SSEDecoder

__all__ = [
    "Decoder",
    "Fed",
    "bytewise",
    "every_split",
    "every_split3",
    "feed_bytewise",
    "feed_chunks",
    "feed_cut",
    "feed_every_split",
    "feed_every_split3",
    "feed_whole",
    "split_at",
    "unknown_members",
    "walk",
]


class Decoder(Protocol):
    """What the helpers need from a decoder: the sans-I/O feed/finish pair."""

    def feed(self, chunk: bytes, /) -> list[Any]: ...

    def finish(self) -> list[Any]: ...


class Fed(NamedTuple):
    """The record of one body fed to one decoder.

    Attributes:
        chunks: the chunks, in the order they were fed.
        batches: what each ``feed()`` call returned, one list per chunk, then what
            ``finish()`` returned; useful to check *when* an item came out.
        decoder: the decoder, after ``finish()``.
    """

    chunks: tuple[bytes, ...]
    batches: tuple[list[Any], ...]
    decoder: Any

    @property
    def events(self) -> list[Any]:
        """Everything the decoder produced, in order, over all calls."""
        return [item for batch in self.batches for item in batch]


DecoderFactory = Callable[..., Decoder]


def split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    """Cut ``data`` at the given offsets (in any order; repeats give empty chunks)."""
    bounds = [0, *sorted(cuts), len(data)]
    return [data[start:end] for start, end in itertools.pairwise(bounds)]


def every_split(data: bytes) -> Iterator[list[bytes]]:
    """Yield ``[data[:k], data[k:]]`` for every offset k, ends included (empty chunks too)."""
    for k in range(len(data) + 1):
        yield [data[:k], data[k:]]


def every_split3(data: bytes) -> Iterator[list[bytes]]:
    """Yield every cut of ``data`` into three non-empty pieces."""
    for i in range(1, len(data)):
        for j in range(i + 1, len(data)):
            yield [data[:i], data[i:j], data[j:]]


def bytewise(data: bytes) -> list[bytes]:
    """Return ``data`` as one-byte chunks."""
    return [data[i : i + 1] for i in range(len(data))]


def feed_chunks(
    chunks: Iterable[bytes], factory: DecoderFactory = SSEDecoder, **kwargs: Any
) -> Fed:
    """Feed ``chunks`` in order to a new decoder, then finish it."""
    decoder = factory(**kwargs)
    chunks = tuple(chunks)
    batches = [decoder.feed(chunk) for chunk in chunks]
    batches.append(decoder.finish())
    return Fed(chunks, tuple(batches), decoder)


def feed_whole(data: bytes, factory: DecoderFactory = SSEDecoder, **kwargs: Any) -> Fed:
    """Feed ``data`` as a single chunk."""
    return feed_chunks([data], factory, **kwargs)


def feed_cut(
    data: bytes, cuts: Iterable[int], factory: DecoderFactory = SSEDecoder, **kwargs: Any
) -> Fed:
    """Feed ``data`` cut at the given offsets (see ``split_at``)."""
    return feed_chunks(split_at(data, cuts), factory, **kwargs)


def feed_every_split(
    data: bytes, factory: DecoderFactory = SSEDecoder, **kwargs: Any
) -> Iterator[Fed]:
    """Feed ``data`` to a fresh decoder once per two-piece split (see ``every_split``)."""
    for chunks in every_split(data):
        yield feed_chunks(chunks, factory, **kwargs)


def feed_every_split3(
    data: bytes, factory: DecoderFactory = SSEDecoder, **kwargs: Any
) -> Iterator[Fed]:
    """Feed ``data`` to a fresh decoder once per three-piece split (see ``every_split3``)."""
    for chunks in every_split3(data):
        yield feed_chunks(chunks, factory, **kwargs)


def feed_bytewise(data: bytes, factory: DecoderFactory = SSEDecoder, **kwargs: Any) -> Fed:
    """Feed ``data`` one byte at a time."""
    return feed_chunks(bytewise(data), factory, **kwargs)


def walk(value: Any) -> Iterator[Any]:
    """Yield ``value`` and every attrs instance nested in it (fields, tuples, dict values)."""
    if isinstance(value, tuple):
        for item in value:
            yield from walk(item)
    elif isinstance(value, dict):  # a mapping of names to models (an MCP server's tools)
        for item in value.values():
            yield from walk(item)
    elif attrs.has(type(value)):
        yield value
        for field in attrs.fields(type(value)):
            yield from walk(getattr(value, field.name))


def unknown_members(value: Any) -> list[Any]:
    """Every nested model whose class is an ``Unknown...`` fallback."""
    return [item for item in walk(value) if type(item).__name__.startswith("Unknown")]
