"""The wire objects the embedded server keeps and sends, with the real service's fields.

Each builder returns a fresh JSON-able dict with exactly the fields (and their order) that
the live service sent in ``../shared/recorded/`` (the 2025 recordings): a handler that works
against these objects works against the service. ``tests/testing/test_realism.py`` holds
each field set against the recordings.

Rule - ids are ``<prefix>_`` plus 24 letters and digits, as the service's are (files:
``file-`` plus 22), drawn from a ``random.Random`` seeded by the server's ``seed``: the same
script and seed give the same ids.
"""

from __future__ import annotations

import random
import string
import time
from typing import Any, Final

__all__ = ["EXPIRES_AFTER", "Ids", "assistant", "message", "now", "run", "step", "thread"]

_ALPHABET: Final = string.ascii_letters + string.digits
#: Seconds a run or step may wait before it expires, as the service says in ``expires_at``.
EXPIRES_AFTER: Final = 600
USAGE_DETAILS: Final = {
    "prompt_token_details": {"cached_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0},
}


class Ids:
    """Deterministic ids: the same seed gives the same sequence."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def new(self, prefix: str) -> str:
        """A new id such as ``run_4XQ...`` (``file-...`` for files)."""
        size, joiner = (22, "-") if prefix == "file" else (24, "_")
        return prefix + joiner + "".join(self._random.choices(_ALPHABET, k=size))


def now() -> int:
    """The time, in whole seconds, as every ``*_at`` field is."""
    return int(time.time())


def usage(prompt: int, completion: int) -> dict[str, Any]:
    """A ``usage`` object with the details the service adds."""
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        **USAGE_DETAILS,
    }


def tool_resources(given: Any = None) -> dict[str, Any]:
    """``tool_resources`` as the service fills it in."""
    return given if isinstance(given, dict) and given else {"code_interpreter": {"file_ids": []}}


def assistant(ident: str, body: dict[str, Any]) -> dict[str, Any]:
    """An assistant (an agent, on Azure) from a checked create body."""
    return {
        "id": ident,
        "object": "assistant",
        "created_at": now(),
        "name": body.get("name"),
        "description": body.get("description"),
        "model": body["model"],
        "instructions": body.get("instructions"),
        "tools": list(body.get("tools", [])),
        "top_p": body.get("top_p", 1.0),
        "temperature": body.get("temperature", 1.0),
        "reasoning_effort": body.get("reasoning_effort"),
        "tool_resources": tool_resources(body.get("tool_resources")),
        "metadata": body.get("metadata", {}),
        "response_format": body.get("response_format", "auto"),
    }


def thread(ident: str, body: dict[str, Any]) -> dict[str, Any]:
    """A thread, as ``thread.created`` carries it."""
    return {
        "id": ident,
        "object": "thread",
        "created_at": now(),
        "metadata": body.get("metadata", {}),
        "tool_resources": tool_resources(body.get("tool_resources")),
    }


def content(given: Any) -> list[dict[str, Any]]:
    """A message's content from what a request gives: a string, or a list of parts."""
    if isinstance(given, str):
        return [{"type": "text", "text": {"value": given, "annotations": []}}]
    blocks = []
    for part in given:
        if isinstance(part, dict) and part.get("type") == "text":
            blocks.append(
                {"type": "text", "text": {"value": str(part.get("text", "")), "annotations": []}}
            )
        elif isinstance(part, dict):
            blocks.append(part)
    return blocks


def message(
    ident: str,
    thread_id: str,
    *,
    role: str,
    blocks: list[dict[str, Any]],
    assistant_id: str | None = None,
    run_id: str | None = None,
    status: str = "completed",
    attachments: list[Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message; an assistant's starts ``in_progress`` with no content."""
    created = now()
    return {
        "id": ident,
        "object": "thread.message",
        "created_at": created,
        "assistant_id": assistant_id,
        "thread_id": thread_id,
        "run_id": run_id,
        "status": status,
        "incomplete_details": None,
        "incomplete_at": None,
        "completed_at": created if status == "completed" else None,
        "role": role,
        "content": blocks,
        "attachments": attachments or [],
        "metadata": metadata or {},
    }


def run(ident: str, thread_id: str, agent: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """A queued run: the request's settings over the assistant's."""
    created = now()
    instructions = body.get("instructions", agent.get("instructions"))
    if body.get("additional_instructions"):
        instructions = f"{instructions or ''}{body['additional_instructions']}"
    return {
        "id": ident,
        "object": "thread.run",
        "created_at": created,
        "assistant_id": agent["id"],
        "thread_id": thread_id,
        "status": "queued",
        "started_at": None,
        "expires_at": created + EXPIRES_AFTER,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "required_action": None,
        "last_error": None,
        "model": body.get("model", agent["model"]),
        "instructions": instructions,
        "tools": list(body.get("tools", agent.get("tools", []))),
        "tool_resources": agent.get("tool_resources") or tool_resources(),
        "metadata": body.get("metadata", {}),
        "temperature": float(body.get("temperature", agent.get("temperature") or 1.0)),
        "top_p": float(body.get("top_p", agent.get("top_p") or 1.0)),
        "reasoning_effort": body.get("reasoning_effort", agent.get("reasoning_effort")),
        "max_completion_tokens": body.get("max_completion_tokens"),
        "max_prompt_tokens": body.get("max_prompt_tokens"),
        "truncation_strategy": body.get(
            "truncation_strategy", {"type": "auto", "last_messages": None}
        ),
        "incomplete_details": None,
        "usage": None,
        "response_format": body.get("response_format", agent.get("response_format", "auto")),
        "tool_choice": body.get("tool_choice", "auto"),
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
    }


def step(ident: str, of_run: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    """A run step in progress: ``message_creation`` or ``tool_calls``, by its details."""
    created = now()
    return {
        "id": ident,
        "object": "thread.run.step",
        "created_at": created,
        "run_id": of_run["id"],
        "assistant_id": of_run["assistant_id"],
        "thread_id": of_run["thread_id"],
        "type": details["type"],
        "status": "in_progress",
        "cancelled_at": None,
        "completed_at": None,
        "expires_at": of_run["expires_at"] or created + EXPIRES_AFTER,
        "failed_at": None,
        "last_error": None,
        "step_details": details,
        "usage": None,
    }
