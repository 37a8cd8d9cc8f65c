"""The message object, carried by ``thread.message.*`` events other than ``.delta``.

Two tagged unions live here: ``MessageContent`` (``text``, ``image_file``, ``image_url``,
``refusal``) and ``Annotation`` (``file_citation``, ``file_path``, and Azure AI Agents'
``url_citation``), each with an ``Unknown...`` fallback that keeps the raw dict.
``content`` is empty in ``thread.message.created`` and ``thread.message.in_progress``; the
completed (or incomplete) message carries the authoritative content.
"""

from typing import Final, TypeAlias

import attrs

from .shared import IncompleteDetails, JSONObject, Metadata
from .tools import AssistantTool

__all__ = [
    "Annotation",
    "Attachment",
    "FileCitation",
    "FileCitationAnnotation",
    "FilePath",
    "FilePathAnnotation",
    "ImageFile",
    "ImageFileContentBlock",
    "ImageURL",
    "ImageURLContentBlock",
    "Message",
    "MessageContent",
    "MessageList",
    "MessageRole",
    "MessageStatus",
    "RefusalContentBlock",
    "Text",
    "TextContentBlock",
    "UnknownAnnotation",
    "UnknownMessageContent",
    "URLCitation",
    "URLCitationAnnotation",
]


class MessageStatus:
    """Known values of ``Message.status``."""

    IN_PROGRESS: Final = "in_progress"
    INCOMPLETE: Final = "incomplete"
    COMPLETED: Final = "completed"


class MessageRole:
    """Known values of ``Message.role``."""

    USER: Final = "user"
    ASSISTANT: Final = "assistant"


@attrs.frozen(kw_only=True)
class FileCitation:
    """The cited file; ``quote`` is sent only in deltas (and is often empty)."""

    file_id: str | None = None
    quote: str | None = None


@attrs.frozen(kw_only=True)
class FileCitationAnnotation:
    """A citation of a file-search result.

    Attributes:
        text: the placeholder in the text value (for example ``【4:0†source】``).
        start_index, end_index: where ``text`` sits in the text value.
    """

    type: str = "file_citation"
    text: str | None = None
    file_citation: FileCitation | None = None
    start_index: int | None = None
    end_index: int | None = None


@attrs.frozen(kw_only=True)
class FilePath:
    """A file the code interpreter wrote."""

    file_id: str | None = None


@attrs.frozen(kw_only=True)
class FilePathAnnotation:
    """A link to a file the code interpreter wrote; ``text`` is the placeholder."""

    type: str = "file_path"
    text: str | None = None
    file_path: FilePath | None = None
    start_index: int | None = None
    end_index: int | None = None


@attrs.frozen(kw_only=True)
class URLCitation:
    """A cited web page (Azure AI Agents' Bing, SharePoint and Deep Research tools)."""

    url: str | None = None
    title: str | None = None


@attrs.frozen(kw_only=True)
class URLCitationAnnotation:
    """A citation of a web page (Azure AI Agents); ``text`` is the placeholder."""

    type: str = "url_citation"
    text: str | None = None
    url_citation: URLCitation | None = None
    start_index: int | None = None
    end_index: int | None = None


@attrs.frozen(kw_only=True)
class UnknownAnnotation:
    """An annotation whose ``type`` this version does not know; ``raw`` keeps every key."""

    type: str
    raw: JSONObject


Annotation: TypeAlias = (
    FileCitationAnnotation | FilePathAnnotation | URLCitationAnnotation | UnknownAnnotation
)


@attrs.frozen(kw_only=True)
class Text:
    """A text value and the annotations placed in it."""

    value: str | None = None
    annotations: tuple[Annotation, ...] = ()


@attrs.frozen(kw_only=True)
class TextContentBlock:
    """Text content."""

    type: str = "text"
    text: Text | None = None


@attrs.frozen(kw_only=True)
class ImageFile:
    """An uploaded image file; ``detail`` is ``auto``, ``low`` or ``high``."""

    file_id: str | None = None
    detail: str | None = None


@attrs.frozen(kw_only=True)
class ImageFileContentBlock:
    """An image file in the content."""

    type: str = "image_file"
    image_file: ImageFile | None = None


@attrs.frozen(kw_only=True)
class ImageURL:
    """An image on the web; ``detail`` is ``auto``, ``low`` or ``high``."""

    url: str | None = None
    detail: str | None = None


@attrs.frozen(kw_only=True)
class ImageURLContentBlock:
    """An image URL in the content."""

    type: str = "image_url"
    image_url: ImageURL | None = None


@attrs.frozen(kw_only=True)
class RefusalContentBlock:
    """The model's refusal to answer."""

    type: str = "refusal"
    refusal: str | None = None


@attrs.frozen(kw_only=True)
class UnknownMessageContent:
    """Content whose ``type`` this version does not know; ``raw`` keeps every key."""

    type: str
    raw: JSONObject


MessageContent: TypeAlias = (
    ImageFileContentBlock
    | ImageURLContentBlock
    | TextContentBlock
    | RefusalContentBlock
    | UnknownMessageContent
)


@attrs.frozen(kw_only=True)
class Attachment:
    """A file attached to a message, and the tools it was given to."""

    file_id: str | None = None
    tools: tuple[AssistantTool, ...] = ()


@attrs.frozen(kw_only=True)
class Message:
    """A message in a thread.

    Attributes:
        id: the message id (``msg_...``).
        object: always ``"thread.message"``.
        status: see ``MessageStatus``.
        role: see ``MessageRole``.
        content: the content blocks; empty until the message is complete.
        attachments: files attached to the message (absent from stream frames).
        assistant_id, run_id: ``None`` for messages written by the API user.

    The remaining fields are ids and timestamps (Unix seconds).
    """

    id: str
    object: str = "thread.message"
    created_at: int | None = None
    thread_id: str | None = None
    status: str | None = None
    incomplete_details: IncompleteDetails | None = None
    completed_at: int | None = None
    incomplete_at: int | None = None
    role: str | None = None
    content: tuple[MessageContent, ...] = ()
    assistant_id: str | None = None
    run_id: str | None = None
    attachments: tuple[Attachment, ...] | None = None
    metadata: Metadata | None = None


@attrs.frozen(kw_only=True)
class MessageList:
    """One page of a thread's messages (``GET /threads/{thread_id}/messages``).

    Attributes:
        data: the messages, in the order asked for (``order="desc"``, newest first, is the
            service's default).
        first_id, last_id: the ids at the two ends of the page; pass ``after=last_id`` to
            get the next page.
        has_more: whether another page follows (``None`` if the server did not say).
        object: always ``"list"``.
    """

    data: tuple[Message, ...] = ()
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool | None = None
    object: str = "list"
