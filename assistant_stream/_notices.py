"""Notices: which callbacks an event calls, as typed values rather than strings.

A notice is a pair ``(callback, args)``: ``callback`` is a ``Callback``, one member per
``EventHandler`` callback, named like it in capitals and equal to its method name
(``Callback.ON_TEXT_DELTA == "on_text_delta"``), and ``args`` are the arguments the callback
receives, in order. ``Accumulator.feed(event)`` returns the notices an event causes;
the stream adds its own (``ON_CONNECT``, ``ON_EVENT``, ``ON_END``...).

Rule 1 - one member per callback, in the order of ``EventHandler``'s class body
(``tests/test_notices.py`` checks both).

Rule 2 - cheap on the hot path. ``Callback`` is a ``StrEnum``: hashing and comparing a
member cost what a ``str`` costs, and ``getattr(handler, callback)`` works. A notice is a
plain tuple, because a ``NamedTuple`` costs about five times as much to build and most
events build one or two. Hot modules use the module-level aliases below (``ON_TEXT_DELTA``):
reading an attribute of an enum class costs several times a global lookup.
"""

import enum
from typing import Any, Final, TypeAlias

__all__ = ["Callback", "Notice"]


class Callback(enum.StrEnum):
    """An ``EventHandler`` callback that a notice calls."""

    ON_EVENT = "on_event"
    ON_THREAD_CREATED = "on_thread_created"
    ON_RUN_CREATED = "on_run_created"
    ON_RUN_QUEUED = "on_run_queued"
    ON_RUN_IN_PROGRESS = "on_run_in_progress"
    ON_RUN_REQUIRES_ACTION = "on_run_requires_action"
    ON_RUN_COMPLETED = "on_run_completed"
    ON_RUN_INCOMPLETE = "on_run_incomplete"
    ON_RUN_FAILED = "on_run_failed"
    ON_RUN_CANCELLING = "on_run_cancelling"
    ON_RUN_CANCELLED = "on_run_cancelled"
    ON_RUN_EXPIRED = "on_run_expired"
    ON_RUN_STEP_CREATED = "on_run_step_created"
    ON_RUN_STEP_IN_PROGRESS = "on_run_step_in_progress"
    ON_RUN_STEP_DELTA = "on_run_step_delta"
    ON_RUN_STEP_DONE = "on_run_step_done"
    ON_TOOL_CALL_CREATED = "on_tool_call_created"
    ON_TOOL_CALL_DELTA = "on_tool_call_delta"
    ON_TOOL_CALL_DONE = "on_tool_call_done"
    ON_MESSAGE_CREATED = "on_message_created"
    ON_MESSAGE_IN_PROGRESS = "on_message_in_progress"
    ON_MESSAGE_DELTA = "on_message_delta"
    ON_MESSAGE_DONE = "on_message_done"
    ON_TEXT_CREATED = "on_text_created"
    ON_TEXT_DELTA = "on_text_delta"
    ON_TEXT_DONE = "on_text_done"
    ON_ANNOTATION = "on_annotation"
    ON_IMAGE_FILE_DONE = "on_image_file_done"
    ON_IMAGE_URL_DONE = "on_image_url_done"
    ON_REFUSAL_DELTA = "on_refusal_delta"
    ON_REFUSAL_DONE = "on_refusal_done"
    ON_ERROR = "on_error"
    ON_DONE = "on_done"
    ON_UNKNOWN_EVENT = "on_unknown_event"
    ON_TOOL_ERROR = "on_tool_error"
    ON_TOOL_OUTPUT = "on_tool_output"
    ON_CONNECT = "on_connect"
    ON_EXCEPTION = "on_exception"
    ON_TIMEOUT = "on_timeout"
    ON_END = "on_end"


#: A callback to call and its arguments: ``(Callback.ON_TEXT_DELTA, (delta, snapshot))``.
Notice: TypeAlias = tuple[Callback, tuple[Any, ...]]

ON_EVENT: Final = Callback.ON_EVENT
ON_THREAD_CREATED: Final = Callback.ON_THREAD_CREATED
ON_RUN_CREATED: Final = Callback.ON_RUN_CREATED
ON_RUN_QUEUED: Final = Callback.ON_RUN_QUEUED
ON_RUN_IN_PROGRESS: Final = Callback.ON_RUN_IN_PROGRESS
ON_RUN_REQUIRES_ACTION: Final = Callback.ON_RUN_REQUIRES_ACTION
ON_RUN_COMPLETED: Final = Callback.ON_RUN_COMPLETED
ON_RUN_INCOMPLETE: Final = Callback.ON_RUN_INCOMPLETE
ON_RUN_FAILED: Final = Callback.ON_RUN_FAILED
ON_RUN_CANCELLING: Final = Callback.ON_RUN_CANCELLING
ON_RUN_CANCELLED: Final = Callback.ON_RUN_CANCELLED
ON_RUN_EXPIRED: Final = Callback.ON_RUN_EXPIRED
ON_RUN_STEP_CREATED: Final = Callback.ON_RUN_STEP_CREATED
ON_RUN_STEP_IN_PROGRESS: Final = Callback.ON_RUN_STEP_IN_PROGRESS
ON_RUN_STEP_DELTA: Final = Callback.ON_RUN_STEP_DELTA
ON_RUN_STEP_DONE: Final = Callback.ON_RUN_STEP_DONE
ON_TOOL_CALL_CREATED: Final = Callback.ON_TOOL_CALL_CREATED
ON_TOOL_CALL_DELTA: Final = Callback.ON_TOOL_CALL_DELTA
ON_TOOL_CALL_DONE: Final = Callback.ON_TOOL_CALL_DONE
ON_MESSAGE_CREATED: Final = Callback.ON_MESSAGE_CREATED
ON_MESSAGE_IN_PROGRESS: Final = Callback.ON_MESSAGE_IN_PROGRESS
ON_MESSAGE_DELTA: Final = Callback.ON_MESSAGE_DELTA
ON_MESSAGE_DONE: Final = Callback.ON_MESSAGE_DONE
ON_TEXT_CREATED: Final = Callback.ON_TEXT_CREATED
ON_TEXT_DELTA: Final = Callback.ON_TEXT_DELTA
ON_TEXT_DONE: Final = Callback.ON_TEXT_DONE
ON_ANNOTATION: Final = Callback.ON_ANNOTATION
ON_IMAGE_FILE_DONE: Final = Callback.ON_IMAGE_FILE_DONE
ON_IMAGE_URL_DONE: Final = Callback.ON_IMAGE_URL_DONE
ON_REFUSAL_DELTA: Final = Callback.ON_REFUSAL_DELTA
ON_REFUSAL_DONE: Final = Callback.ON_REFUSAL_DONE
ON_ERROR: Final = Callback.ON_ERROR
ON_DONE: Final = Callback.ON_DONE
ON_UNKNOWN_EVENT: Final = Callback.ON_UNKNOWN_EVENT
ON_TOOL_ERROR: Final = Callback.ON_TOOL_ERROR
ON_TOOL_OUTPUT: Final = Callback.ON_TOOL_OUTPUT
ON_CONNECT: Final = Callback.ON_CONNECT
ON_EXCEPTION: Final = Callback.ON_EXCEPTION
ON_TIMEOUT: Final = Callback.ON_TIMEOUT
ON_END: Final = Callback.ON_END
