"""The thread object, carried by ``thread.created`` (sent only by create-and-run streams)."""

import attrs

from .shared import Metadata, ToolResources

__all__ = ["Thread"]


@attrs.frozen(kw_only=True)
class Thread:
    """A conversation thread.

    Attributes:
        id: the thread id (``thread_...``).
        object: always ``"thread"``.
        created_at: creation time, Unix seconds.
        metadata: the API user's key-value pairs.
        tool_resources: files and vector stores attached for the thread's tools.
    """

    id: str
    object: str = "thread"
    created_at: int | None = None
    metadata: Metadata | None = None
    tool_resources: ToolResources | None = None
