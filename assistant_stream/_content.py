"""The kinds of content block of a message, one class each, and the table that picks them.

``CONTENT`` maps a content ``type`` to its entry class (``_entries``): ``text``,
``refusal``, ``image_file`` and ``image_url``; every other type (or none) is an
``UnknownContent`` that keeps the merged raw JSON. A new kind of content is one class and
one row of ``KINDS``.

Rule 1 - text and refusals are fragments: their value is appended, joined when read.

Rule 2 - annotations are an index-keyed array inside the text (``_patch.place``): each one
is placed at its index and patched by the overwrite rule; one without a ``type`` continues
the annotation at its index; an annotation of another type replaces it. Each annotation a
delta places is noticed (``on_annotation``) after that delta's ``on_text_delta``.

Rule 3 - images and unknown content are whole values: a delta overwrites their fields
(raw keys, for unknown content).
"""

from typing import Any, Final

from ._entries import Entry, Family
from ._frozen import fast_constructor, lazy_constructor, replacer
from ._lifecycle import CALLBACKS
from ._notices import ON_ANNOTATION
from ._patch import Fragments, merge_raw, overwrite, place, present
from .types.message import (
    Annotation,
    FileCitationAnnotation,
    FilePathAnnotation,
    ImageFile,
    ImageFileContentBlock,
    ImageURL,
    ImageURLContentBlock,
    Message,
    RefusalContentBlock,
    Text,
    TextContentBlock,
    UnknownAnnotation,
    UnknownMessageContent,
    URLCitationAnnotation,
)
from .types.message_delta import (
    AnnotationDelta,
    FileCitationDeltaAnnotation,
    FilePathDeltaAnnotation,
    ImageFileDeltaBlock,
    ImageURLDeltaBlock,
    MessageContentDelta,
    RefusalDeltaBlock,
    TextDelta,
    TextDeltaBlock,
    UnknownAnnotationDelta,
    UnknownMessageContentDelta,
    URLCitationDeltaAnnotation,
)

__all__ = [
    "CONTENT",
    "KINDS",
    "ImageFileEntry",
    "ImageURLEntry",
    "RefusalEntry",
    "TextEntry",
    "UnknownContent",
]

_lazy_text: Final = lazy_constructor(Text, "value")  # fragments, size, annotations
_lazy_refusal: Final = lazy_constructor(RefusalContentBlock, "refusal")  # ..., type
_text_block: Final = fast_constructor(TextContentBlock)  # type, text
_with_content: Final = replacer(Message, "content")

#: Annotation delta class -> the annotation it patches.
_ANNOTATIONS: Final[dict[type, type[Any]]] = {
    FileCitationDeltaAnnotation: FileCitationAnnotation,
    FilePathDeltaAnnotation: FilePathAnnotation,
    URLCitationDeltaAnnotation: URLCitationAnnotation,
}


def _merge_annotation(existing: Any, patch: Any) -> Annotation:
    """One annotation patched (rule 2): overwritten if of the same class, else replaced."""
    if type(patch) is UnknownAnnotationDelta:
        old = existing if type(existing) is UnknownAnnotation else None
        return UnknownAnnotation(type=patch.type, raw=merge_raw(old, patch.raw))
    target = _ANNOTATIONS[type(patch)]
    merged: Annotation = overwrite(target, existing if type(existing) is target else None, patch)
    return merged


class _Content(Entry):
    """A block of a message's ``content``."""

    __slots__ = ()
    array = "content"


class TextEntry(_Content):
    """A ``text`` block: a fragment value and its annotations."""

    __slots__ = ("_annotations", "_fragments", "_present", "placed")
    kind = "text"
    delta_class = TextDeltaBlock
    model_class = TextContentBlock
    callbacks = CALLBACKS["text"]
    placed_callback = ON_ANNOTATION

    def __init__(self, index: int, owner: str, state: Any) -> None:
        super().__init__(index, owner, state)
        self._fragments = Fragments()
        self._annotations: tuple[Annotation | None, ...] = ()
        self._present: tuple[Annotation, ...] = ()
        self.placed: tuple[Annotation, ...] = ()

    def seed(self, model: TextContentBlock) -> None:
        text = model.text
        if text is not None:
            self._fragments = Fragments(text.value or "")
            self._annotations = self._present = tuple(text.annotations)

    def apply(self, delta: TextDeltaBlock) -> TextDelta | None:
        text = delta.text
        if text is None:
            return None
        patches = text.annotations
        if patches:  # first: placing them may refuse the delta
            path = f"content[{self.index}].text.annotations"
            self._annotations, self.placed = place(
                self._annotations, patches, _merge_annotation, AnnotationDelta, path, self.owner
            )
            self._present = present(self._annotations)
        if text.value:
            self._fragments.append(text.value)
        return text

    def snapshot(self) -> Text:
        fragments = self._fragments
        text: Text = _lazy_text(fragments, fragments.size, self._present)
        return text

    def item(self) -> TextContentBlock:
        block: TextContentBlock = _text_block("text", self.snapshot())
        return block

    def terminal(self, final: TextContentBlock) -> Text | None:
        return final.text


class RefusalEntry(_Content):
    """A ``refusal`` block: a fragment string."""

    __slots__ = ("_fragments",)
    kind = "refusal"
    delta_class = RefusalDeltaBlock
    model_class = RefusalContentBlock
    callbacks = CALLBACKS["refusal"]

    def __init__(self, index: int, owner: str, state: Any) -> None:
        super().__init__(index, owner, state)
        self._fragments = Fragments()

    def seed(self, model: RefusalContentBlock) -> None:
        self._fragments = Fragments(model.refusal or "")

    def apply(self, delta: RefusalDeltaBlock) -> str | None:
        if delta.refusal:
            self._fragments.append(delta.refusal)
        return delta.refusal

    def snapshot(self) -> RefusalContentBlock:
        block: RefusalContentBlock = _lazy_refusal(self._fragments, self._fragments.size)
        return block


class _Image(_Content):
    """An image block: a whole value whose fields deltas overwrite (rule 3)."""

    __slots__ = ("_image",)
    _field: str
    _value: type

    def __init__(self, index: int, owner: str, state: Any) -> None:
        super().__init__(index, owner, state)
        self._image: Any = None

    def seed(self, model: Any) -> None:
        self._image = getattr(model, self._field)

    def apply(self, delta: Any) -> Any:
        image = getattr(delta, self._field)
        if image is not None:
            self._image = overwrite(self._value, self._image, image)
        return image

    def snapshot(self) -> Any:
        return self._image

    def item(self) -> Any:
        image = self._image
        return None if image is None else self.model_class(**{self._field: image})

    def terminal(self, final: Any) -> Any:
        return getattr(final, self._field)


class ImageFileEntry(_Image):
    """An ``image_file`` block."""

    __slots__ = ()
    kind = "image_file"
    delta_class = ImageFileDeltaBlock
    model_class = ImageFileContentBlock
    callbacks = CALLBACKS["image_file"]
    _field = "image_file"
    _value = ImageFile


class ImageURLEntry(_Image):
    """An ``image_url`` block."""

    __slots__ = ()
    kind = "image_url"
    delta_class = ImageURLDeltaBlock
    model_class = ImageURLContentBlock
    callbacks = CALLBACKS["image_url"]
    _field = "image_url"
    _value = ImageURL


class UnknownContent(_Content):
    """A block of a type this version does not know (or of none): its merged raw JSON."""

    __slots__ = ("_content",)
    delta_class = UnknownMessageContentDelta
    model_class = UnknownMessageContent

    def __init__(self, index: int, owner: str, state: Any) -> None:
        super().__init__(index, owner, state)
        self._content: UnknownMessageContent | None = None

    def seed(self, model: UnknownMessageContent) -> None:
        self._content = model

    def apply(self, delta: UnknownMessageContentDelta) -> None:
        self._content = UnknownMessageContent(
            type=self.kind, raw=merge_raw(self._content, delta.raw)
        )

    def snapshot(self) -> UnknownMessageContent | None:
        return self._content


#: Content ``type`` -> its entry class.
KINDS: Final[dict[str, type[Entry]]] = {
    "text": TextEntry,
    "refusal": RefusalEntry,
    "image_file": ImageFileEntry,
    "image_url": ImageURLEntry,
}

#: The content of messages.
CONTENT: Final = Family(
    KINDS,
    UnknownContent,
    MessageContentDelta,
    items_of=lambda message: message.content,
    with_items=_with_content,
)
