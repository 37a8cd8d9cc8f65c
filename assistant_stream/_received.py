"""What a stream received, as frozen values: how the run ended, and everything so far.

``FinalRun`` is what ``AssistantStream.get_final_run()`` returns; ``PartialRun`` travels on
every error that ends a stream (``partial``). Both are built by the accumulator
(``accumulate``, which re-exports them) and never change once made.
"""

import attrs

from .events import AssistantStreamEvent
from .types.message import Message
from .types.run import Run
from .types.run_step import RunStep

__all__ = ["FinalRun", "PartialRun"]


@attrs.frozen
class FinalRun:
    """How the run ended, as ``AssistantStream.get_final_run()`` reports it.

    Attributes:
        run: the run carried by the last ``thread.run.*`` event, ``None`` if none came.
        ended: ``True`` if that event ends the run's stream (``RUN_ENDING_EVENTS``:
            requires_action, completed, incomplete, failed, cancelled, expired). Decided by
            the event name; ``run.status`` is kept as sent.
        event: the name of that event.
    """

    run: Run | None
    ended: bool
    event: str | None


@attrs.frozen
class PartialRun:
    """Everything a stream received, as frozen values (carried by errors as ``partial``).

    Attributes:
        thread_id, run_id: from the events, ``None`` when no event said.
        last_event: the last event received.
        final_run: the run and whether it ended.
        messages: every message seen, in first-seen order: the terminal object when it came,
            else the accumulated snapshot.
        run_steps: every step seen, the same way (steps first seen completed included).
    """

    thread_id: str | None
    run_id: str | None
    last_event: AssistantStreamEvent | None
    final_run: FinalRun
    messages: tuple[Message, ...]
    run_steps: tuple[RunStep, ...]
