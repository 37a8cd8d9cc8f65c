"""Tests for assistant_stream._patch: fragments, index-keyed arrays, overwrites, retyping."""

from typing import Any

import pytest
from hypothesis import given
from strategies_deltas import placements

from assistant_stream._patch import (
    MAX_ENTRIES,
    MAX_INDEX_GAP,
    Fragments,
    entry_at,
    overwrite,
    place,
    retype,
)
from assistant_stream.errors import InvalidDeltaError
from assistant_stream.types import (
    AnnotationDelta,
    FileCitation,
    FileCitationAnnotation,
    FileCitationDeltaAnnotation,
    FunctionCall,
    FunctionCallDelta,
    ImageFile,
    ImageFileDelta,
    MessageContentDelta,
    TextDelta,
    TextDeltaBlock,
    UnknownAnnotationDelta,
    UnknownMessageContentDelta,
)

# -- Fragments -----------------------------------------------------------------------------


def test_empty_builder() -> None:
    """A new builder holds the empty string, in no pieces."""
    fragments = Fragments()
    assert 0 == fragments.size
    assert "" == fragments.text()
    assert "" == fragments.text(0)
    assert "Fragments(size=0, pieces=0)" == repr(fragments)


def test_empty_first_piece_is_no_piece() -> None:
    """An empty first piece is not kept as a piece."""
    assert "Fragments(size=0, pieces=0)" == repr(Fragments(""))


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        (["Hel", "lo"], "Hello"),
        (["a", "", "b"], "ab"),
        (
            ["\u00e9t\u00e9", " \u4f60\u597d", " \U0001f600"],
            "\u00e9t\u00e9 \u4f60\u597d \U0001f600",
        ),
        (['{"a"', ": 1}"], '{"a": 1}'),
    ],
)
def test_append_then_text(pieces: list[str], expected: str) -> None:
    """Appended pieces read back joined, and the size counts characters, not bytes."""
    fragments = Fragments()
    for piece in pieces:
        fragments.append(piece)
    assert expected == fragments.text()
    assert len(expected) == fragments.size


def test_first_piece_given_to_the_constructor() -> None:
    """The constructor's argument is the first piece."""
    fragments = Fragments("ab")
    fragments.append("cd")
    assert (4, "abcd") == (fragments.size, fragments.text())


def test_size_none_reads_everything() -> None:
    """``text(None)`` is the whole string, as ``text()`` is."""
    fragments = Fragments("ab")
    fragments.append("c")
    assert "abc" == fragments.text(None)


def test_a_snapshot_size_keeps_reading_its_prefix() -> None:
    """A size taken earlier reads the string as it was then, however much was appended."""
    fragments = Fragments()
    sizes: list[tuple[int, str]] = []
    text_so_far = ""
    for piece in ["One", ", two", "", ", thr\u00e9\u00e9", " \U0001f600"]:
        fragments.append(piece)
        text_so_far += piece
        sizes.append((fragments.size, text_so_far))
        assert text_so_far == fragments.text(fragments.size)
    fragments.append(" and more")
    assert [value for _, value in sizes] == [fragments.text(size) for size, _ in sizes]


def test_joining_compacts_the_pieces() -> None:
    """Reading joins the pieces into one, and later pieces are appended after it."""
    fragments = Fragments("a")
    fragments.append("b")
    fragments.append("c")
    assert "Fragments(size=3, pieces=3)" == repr(fragments)
    assert "ab" == fragments.text(2)
    assert "Fragments(size=3, pieces=1)" == repr(fragments)
    fragments.append("d")
    assert "Fragments(size=4, pieces=2)" == repr(fragments)
    assert "abcd" == fragments.text()
    assert "Fragments(size=4, pieces=1)" == repr(fragments)
    assert "abc" == fragments.text(3)


# -- entry_at ------------------------------------------------------------------------------


def test_entry_at_grows_with_holes() -> None:
    """An index past the end grows the array with ``None`` holes and returns ``None``."""
    entries: list[Any] = []
    assert entry_at(entries, 3, "content", "msg_1") is None
    assert [None, None, None, None] == entries


def test_entry_at_returns_existing_entries_unchanged() -> None:
    """An index inside the array returns its entry (or hole) and changes nothing."""
    entries: list[Any] = ["a", None, "c"]
    assert "a" == entry_at(entries, 0, "content", "msg_1")
    assert entry_at(entries, 1, "content", "msg_1") is None
    assert "c" == entry_at(entries, 2, "content", "msg_1")
    assert ["a", None, "c"] == entries


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0]])
def test_entry_at_places_in_any_order(order: list[int]) -> None:
    """Entries placed in any order end up at their own index."""
    entries: list[Any] = []
    for index in order:
        assert entry_at(entries, index, "content", "msg_1") is None
        entries[index] = f"entry {index}"
    assert ["entry 0", "entry 1", "entry 2"] == entries


@pytest.mark.parametrize(
    ("size", "index"),
    [
        (0, MAX_INDEX_GAP),
        (5, 5 + MAX_INDEX_GAP),
        (MAX_ENTRIES - 2, MAX_ENTRIES - 1),
    ],
)
def test_entry_at_accepts_the_largest_legal_index(size: int, index: int) -> None:
    """A jump of exactly ``MAX_INDEX_GAP``, or up to ``MAX_ENTRIES - 1``, is accepted."""
    entries: list[Any] = [None] * size
    assert entry_at(entries, index, "content", "msg_1") is None
    assert index + 1 == len(entries)


@pytest.mark.parametrize(
    ("size", "index"),
    [
        (0, -1),
        (3, -1),
        (3, -(10**9)),
        (0, MAX_INDEX_GAP + 1),
        (5, 5 + MAX_INDEX_GAP + 1),
        (0, 10**12),
        (MAX_ENTRIES - 1, MAX_ENTRIES),
        (MAX_ENTRIES, MAX_ENTRIES),
        (MAX_ENTRIES, MAX_ENTRIES + 1),
    ],
    ids=[
        "negative",
        "negative-with-entries",
        "very-negative",
        "gap",
        "gap-after-entries",
        "huge",
        "cap",
        "cap-full",
        "cap-past",
    ],
)
def test_entry_at_refuses_absurd_indices(size: int, index: int) -> None:
    """A bad index raises InvalidDeltaError naming the owner and path, and grows nothing."""
    entries: list[Any] = [None] * size
    with pytest.raises(InvalidDeltaError) as caught:
        entry_at(entries, index, "content[0].text.annotations", "msg_42")
    assert size == len(entries)
    message = str(caught.value)
    assert message.startswith("msg_42: ")
    assert f"content[0].text.annotations[{index}]" in message


@given(placements)
def test_entry_at_behaves_like_a_dict(steps: list[tuple[int, str]]) -> None:
    """Placements within bounds give a dict model's mapping; the others raise, changing nothing."""
    entries: list[Any] = []
    model: dict[int, str] = {}
    for index, piece in steps:
        legal = 0 <= index < MAX_ENTRIES and index - len(entries) <= MAX_INDEX_GAP
        before = list(entries)
        if not legal:
            with pytest.raises(InvalidDeltaError):
                entry_at(entries, index, "step_details.tool_calls", "step_1")
            assert before == entries
            continue
        assert model.get(index) == entry_at(entries, index, "step_details.tool_calls", "step_1")
        entries[index] = model[index] = piece
        assert max(model) + 1 == len(entries)
    assert model == {index: entry for index, entry in enumerate(entries) if entry is not None}


# -- overwrite -----------------------------------------------------------------------------

CITATION = FileCitationAnnotation(
    text="[1]", file_citation=FileCitation(file_id="file_a"), start_index=5, end_index=8
)


def test_overwrite_none_fields_leave_values_unchanged() -> None:
    """A patch whose fields are ``None`` (absent) leaves every value unchanged."""
    patch = FileCitationDeltaAnnotation(index=0)
    assert CITATION == overwrite(FileCitationAnnotation, CITATION, patch)


def test_overwrite_with_nothing_to_change_returns_the_same_object() -> None:
    """A patch that changes nothing returns the existing value itself, not a copy."""
    existing = ImageFile(file_id="a", detail="low")
    assert overwrite(ImageFile, existing, ImageFileDelta()) is existing


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"start_index": 7}, {"start_index": 7}),  # never 5 + 7
        ({"end_index": 0}, {"end_index": 0}),  # a falsy number still replaces
        ({"text": "[2]"}, {"text": "[2]"}),  # never "[1][2]"
        ({"text": ""}, {"text": ""}),  # a falsy string still replaces
        (  # a nested object is patched by the same rule: its file_id stays
            {"file_citation": FileCitation(quote="q")},
            {"file_citation": FileCitation(file_id="file_a", quote="q")},
        ),
        ({"start_index": 1, "end_index": 2}, {"start_index": 1, "end_index": 2}),
    ],
    ids=["number", "zero", "string", "empty-string", "nested-patched", "two-fields"],
)
def test_overwrite_replaces_without_adding(
    change: dict[str, Any], expected: dict[str, Any]
) -> None:
    """A field that is not ``None`` replaces the existing value; ``None`` fields stay."""
    patch = FileCitationDeltaAnnotation(index=3, **change)
    wanted = {
        "text": "[1]",
        "file_citation": FileCitation(file_id="file_a"),
        "start_index": 5,
        "end_index": 8,
        **expected,
    }
    assert FileCitationAnnotation(**wanted) == overwrite(FileCitationAnnotation, CITATION, patch)


def test_overwrite_from_nothing_builds_the_target() -> None:
    """With no existing value the patch's fields build a new target; ``index`` is ignored."""
    patch = FileCitationDeltaAnnotation(index=9, text="[1]", start_index=5)
    assert FileCitationAnnotation(text="[1]", start_index=5) == overwrite(
        FileCitationAnnotation, None, patch
    )


def test_overwrite_ignores_fields_the_target_lacks() -> None:
    """Fields of the patch that the target does not have (``index``) are ignored."""
    result = overwrite(ImageFile, ImageFile(file_id="a"), ImageFileDelta(detail="high"))
    assert ImageFile(file_id="a", detail="high") == result
    assert not hasattr(result, "index")


def test_overwrite_concatenates_nothing_not_even_fragments() -> None:
    """``overwrite`` knows no fragment field: arguments are replaced, not appended to."""
    existing = FunctionCall(name="f", arguments='{"a"')
    patch = FunctionCallDelta(name="f", arguments=": 1}")
    assert FunctionCall(name="f", arguments=": 1}") == overwrite(FunctionCall, existing, patch)


def test_overwrite_skips_the_named_fields() -> None:
    """Fields listed in ``skip`` are left unchanged even when the patch sets them."""
    existing = FunctionCall(name="f", arguments="{}")
    patch = FunctionCallDelta(name="g", arguments="[]", output="ok")
    expected = FunctionCall(name="g", arguments="{}", output="ok")
    assert expected == overwrite(FunctionCall, existing, patch, skip=("arguments",))


def test_overwrite_of_the_same_class() -> None:
    """A patch may be of the target class itself."""
    result = overwrite(ImageFile, ImageFile(file_id="a"), ImageFile(detail="low"))
    assert ImageFile(file_id="a", detail="low") == result


# -- Fragments.truncate (rule 5) --------------------------------------------------------------


@pytest.mark.parametrize("read_first", [False, True], ids=["pieces", "joined"])
@pytest.mark.parametrize("size", [0, 1, 3, 4, 6])
def test_truncate_goes_back_to_an_earlier_size(read_first: bool, size: int) -> None:
    """Truncating keeps exactly the first ``size`` characters, joined or not, and appends after."""
    fragments = Fragments("ab")
    for piece in ["c", "", "d\u00e9f"]:
        fragments.append(piece)
    if read_first:
        fragments.text()
    fragments.truncate(size)
    assert (size, "abcd\u00e9f"[:size]) == (fragments.size, fragments.text())
    fragments.append("!")
    assert "abcd\u00e9f"[:size] + "!" == fragments.text()


# -- place and retype (rules 2, 4 and 5) -------------------------------------------------------


def _citation(existing: Any, patch: Any) -> Any:
    return overwrite(FileCitationAnnotation, existing, patch)


def test_place_returns_a_new_array_and_the_merged_values() -> None:
    """Patches land at their index with holes; the array given is left as it was."""
    values: tuple[Any, ...] = (FileCitationAnnotation(text="a"),)
    patches = [
        FileCitationDeltaAnnotation(index=2, text="c"),
        FileCitationDeltaAnnotation(index=0, start_index=1),
    ]
    placed, merged = place(values, patches, _citation, AnnotationDelta, "content[0]", "m")
    first = FileCitationAnnotation(text="a", start_index=1)
    third = FileCitationAnnotation(text="c")
    assert ((first, None, third), (third, first)) == (placed, merged)
    assert (FileCitationAnnotation(text="a"),) == values


def test_place_refuses_a_bad_index_after_good_ones() -> None:
    """A bad index anywhere raises, naming it, and the array given is unchanged."""
    values: tuple[Any, ...] = (None,)
    patches = [FileCitationDeltaAnnotation(index=0), FileCitationDeltaAnnotation(index=-1)]
    with pytest.raises(InvalidDeltaError, match=r"^m: content\[0\]\[-1\] is out of range"):
        place(values, patches, _citation, AnnotationDelta, "content[0]", "m")
    assert (None,) == values


def test_place_continues_an_untyped_patch_as_the_kind_at_its_index() -> None:
    """A patch without a type at an index holding a citation is structured as a citation delta."""
    untyped = UnknownAnnotationDelta(type="", index=0, raw={"index": 0, "start_index": 4})
    values: tuple[Any, ...] = (FileCitationAnnotation(text="a"),)
    placed, _ = place(values, [untyped], _citation, AnnotationDelta, "x", "m")
    assert (FileCitationAnnotation(text="a", start_index=4),) == placed


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        (
            {"index": 1, "text": {"value": "v"}},
            "text",
            TextDeltaBlock(index=1, text=TextDelta(value="v")),
        ),
        ({"index": 1, "type": None, "a": 2}, "audio", None),
    ],
    ids=["known", "unknown"],
)
def test_retype_structures_as_the_kind(raw: dict[str, Any], kind: str, expected: Any) -> None:
    """An untyped patch's raw JSON becomes the kind's delta, or its unknown member with that tag."""
    patch = UnknownMessageContentDelta(type="", index=1, raw=raw)
    result = retype(patch, kind, MessageContentDelta, "content[1]", "m")
    if expected is None:
        expected = UnknownMessageContentDelta(type=kind, index=1, raw={**raw, "type": kind})
    assert expected == result


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            UnknownMessageContentDelta(type="audio", index=0, raw={}),
            "m: content[0] changed type from 'text' to 'audio'",
        ),
        (
            UnknownMessageContentDelta(type="", index=0, raw={"index": 0, "text": "x"}),
            "m: content[0] has no type and does not fit its 'text' entry: "
            "expected an object, got a string @ $.text",
        ),
    ],
    ids=["typed", "misfit"],
)
def test_retype_refuses_what_does_not_continue(patch: Any, message: str) -> None:
    """Another type, or raw JSON that does not fit the kind, raises naming the path."""
    with pytest.raises(InvalidDeltaError) as caught:
        retype(patch, "text", MessageContentDelta, "content[0]", "m")
    assert message == str(caught.value)
