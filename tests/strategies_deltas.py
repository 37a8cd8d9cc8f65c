"""Hypothesis strategies for delta accumulation (``_patch``, ``_lifecycle``, ``accumulate``).

Kept apart from ``strategies.py`` so that the delta tests can grow their own generators
without touching the shared ones. Everything here is plain data (strings, integers, enum
members); the tests turn it into deltas with ``builders``.
"""

from __future__ import annotations

import itertools

from hypothesis import strategies as st

from assistant_stream._lifecycle import Move

__all__ = [
    "fragmented_texts",
    "moves",
    "placements",
    "stream_text",
]

#: Text a stream can carry: any code point JSON can encode (no lone surrogates), so
#: multi-byte, combining and astral characters, NUL and line separators all appear.
stream_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@st.composite
def fragmented_texts(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A text and the fragments it arrives in, in order (empty fragments included)."""
    value = draw(stream_text)
    cuts = sorted(draw(st.lists(st.integers(0, len(value)), max_size=12)))
    bounds = [0, *cuts, len(value)]
    return value, [value[start:end] for start, end in itertools.pairwise(bounds)]


#: ``(index, entry)`` placements into an index-keyed array: mostly near the start, some
#: negative, some jumping far past the end (beyond ``MAX_INDEX_GAP`` from an empty array).
placements = st.lists(
    st.tuples(
        st.one_of(st.integers(0, 12), st.integers(-3, 2_100)),
        st.text(max_size=3),
    ),
    max_size=30,
)

#: A sequence of lifecycle moves for one entry.
moves = st.lists(st.sampled_from(Move), max_size=12)
