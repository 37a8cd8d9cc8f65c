"""The thread object, carried by ``thread.created`` and returned by the thread calls.

``thread.created`` is sent only by create-and-run streams; ``client.threads.create`` and
``retrieve`` return the same object, and ``delete`` a ``ThreadDeleted``.
"""

import attrs

from .shared import Metadata, ToolResources

__all__ = ["Thread", "ThreadDeleted"]


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


@attrs.frozen(kw_only=True)
class ThreadDeleted:
    """The answer to ``DELETE /threads/{thread_id}``.

    Attributes:
        id: the thread that was deleted.
        deleted: whether it was (``None`` if the server did not say).
        object: always ``"thread.deleted"``.
    """

    id: str
    deleted: bool | None = None
    object: str = "thread.deleted"
