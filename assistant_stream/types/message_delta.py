"""The message delta, carried by ``thread.message.delta``: a patch to a message's content.

Arrays are sparse patches: a content entry's ``index`` is its position in the message
snapshot's ``content``, an annotation's ``index`` its position in that text's
``annotations``. Only the first delta of a text block carries ``annotations: []``; later
ones carry just the next ``value`` fragment. Every field but ``index`` may be absent, which
reads as ``None``: no change.
"""

from typing import TypeAlias

import attrs

from .message import FileCitation, FilePath, URLCitation
from .shared import JSONObject

__all__ = [
    "AnnotationDelta",
    "FileCitationDeltaAnnotation",
    "FilePathDeltaAnnotation",
    "ImageFileDelta",
    "ImageFileDeltaBlock",
    "ImageURLDelta",
    "ImageURLDeltaBlock",
    "MessageContentDelta",
    "MessageDelta",
    "MessageDeltaEvent",
    "RefusalDeltaBlock",
    "TextDelta",
    "TextDeltaBlock",
    "UnknownAnnotationDelta",
    "UnknownMessageContentDelta",
    "URLCitationDeltaAnnotation",
]


@attrs.frozen(kw_only=True)
class FileCitationDeltaAnnotation:
    """A file citation for ``annotations[index]``."""

    index: int
    type: str = "file_citation"
    text: str | None = None
    file_citation: FileCitation | None = None
    start_index: int | None = None
    end_index: int | None = None


@attrs.frozen(kw_only=True)
class FilePathDeltaAnnotation:
    """A file path annotation for ``annotations[index]``."""

    index: int
    type: str = "file_path"
    text: str | None = None
    file_path: FilePath | None = None
    start_index: int | None = None
    end_index: int | None = None


@attrs.frozen(kw_only=True)
class URLCitationDeltaAnnotation:
    """A web citation for ``annotations[index]`` (Azure AI Agents)."""

    index: int
    type: str = "url_citation"
    text: str | None = None
    url_citation: URLCitation | None = None
    start_index: int | None = None
    end_index: int | None = None


@attrs.frozen(kw_only=True)
class UnknownAnnotationDelta:
    """An annotation delta whose ``type`` this version does not know; ``raw`` keeps it."""

    type: str
    index: int | None
    raw: JSONObject


AnnotationDelta: TypeAlias = (
    FileCitationDeltaAnnotation
    | FilePathDeltaAnnotation
    | URLCitationDeltaAnnotation
    | UnknownAnnotationDelta
)


@attrs.frozen(kw_only=True)
class TextDelta:
    """The next fragment of a text ``value``, and annotation patches."""

    value: str | None = None
    annotations: tuple[AnnotationDelta, ...] | None = None


@attrs.frozen(kw_only=True)
class TextDeltaBlock:
    """A patch to the text block at ``content[index]``."""

    index: int
    type: str = "text"
    text: TextDelta | None = None


@attrs.frozen(kw_only=True)
class ImageFileDelta:
    """A patch to an image file."""

    file_id: str | None = None
    detail: str | None = None


@attrs.frozen(kw_only=True)
class ImageFileDeltaBlock:
    """A patch to the image file block at ``content[index]``."""

    index: int
    type: str = "image_file"
    image_file: ImageFileDelta | None = None


@attrs.frozen(kw_only=True)
class ImageURLDelta:
    """A patch to an image URL."""

    url: str | None = None
    detail: str | None = None


@attrs.frozen(kw_only=True)
class ImageURLDeltaBlock:
    """A patch to the image URL block at ``content[index]``."""

    index: int
    type: str = "image_url"
    image_url: ImageURLDelta | None = None


@attrs.frozen(kw_only=True)
class RefusalDeltaBlock:
    """The next fragment of the refusal at ``content[index]``."""

    index: int
    type: str = "refusal"
    refusal: str | None = None


@attrs.frozen(kw_only=True)
class UnknownMessageContentDelta:
    """A content delta whose ``type`` this version does not know; ``raw`` keeps it."""

    type: str
    index: int | None
    raw: JSONObject


MessageContentDelta: TypeAlias = (
    ImageFileDeltaBlock
    | TextDeltaBlock
    | RefusalDeltaBlock
    | ImageURLDeltaBlock
    | UnknownMessageContentDelta
)


@attrs.frozen(kw_only=True)
class MessageDelta:
    """The changed parts of a message."""

    role: str | None = None
    content: tuple[MessageContentDelta, ...] | None = None


@attrs.frozen(kw_only=True)
class MessageDeltaEvent:
    """The ``data`` of ``thread.message.delta``.

    Attributes:
        id: the id of the message being patched.
        object: always ``"thread.message.delta"``.
        delta: the patch.
    """

    id: str
    object: str = "thread.message.delta"
    delta: MessageDelta = MessageDelta()
