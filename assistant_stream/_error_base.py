"""The root of the exception tree, and how error messages quote what they must.

Rule 1 - quote little. ``excerpt`` cuts quoted text to ``EXCERPT_CHARS``, marking the cut.

Rule 2 - no secret in any message. ``mask`` replaces each secret with ``***``; ``redact``
applies it to an error in place: its message (``args``) and each attribute named in the
class's ``TEXT_FIELDS``, the text it formats for people. The stream redacts every error of
this package it raises, with the secrets of its body (the client's credentials); the
transport masks the responses it quotes. Attributes that keep received data as received
(``MalformedEventError.data``, ``partial``) are left alone: they are data, not messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, Final

if TYPE_CHECKING:
    from .accumulate import PartialRun

__all__ = ["EXCERPT_CHARS", "MASK", "AssistantStreamError", "excerpt", "mask", "redact"]

#: How much of an offending payload an error message quotes.
EXCERPT_CHARS: Final = 200
#: What a secret becomes in a message.
MASK: Final = "***"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Return ``text`` cut to ``limit`` characters, marking the cut, for error messages."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def mask(text: str, secrets: Iterable[str]) -> str:
    """Return ``text`` with every non-empty secret replaced by ``MASK``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


class AssistantStreamError(Exception):
    """The root of every exception raised by ``assistant_stream``.

    Attributes:
        partial: set by ``AssistantStream`` when this error ended a stream: what had been
            received until then (see ``assistant_stream.accumulate.PartialRun``). ``None``
            for errors raised outside a stream.
    """

    #: The attributes holding text formatted for people, masked by ``redact`` (rule 2).
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ()

    partial: PartialRun | None = None


def redact(error: AssistantStreamError, secrets: Iterable[str]) -> None:
    """Mask ``secrets`` in ``error``'s message and ``TEXT_FIELDS``, in place (rule 2)."""
    listed = tuple(secret for secret in secrets if secret)
    if not listed:
        return
    error.args = tuple(mask(arg, listed) if isinstance(arg, str) else arg for arg in error.args)
    for name in type(error).TEXT_FIELDS:
        value = getattr(error, name, None)
        if isinstance(value, str):
            setattr(error, name, mask(value, listed))
        elif isinstance(value, list):
            setattr(error, name, [mask(v, listed) if isinstance(v, str) else v for v in value])


def field(value: object) -> str | None:
    """A field of an error object as text, ``None`` when absent."""
    return None if value is None else str(value)


def said(message: str | None) -> str:
    """The server's message for an error message: cut short, or a note that there was none."""
    return excerpt(message) if message else "(no error message)"


def details(*fields: tuple[str, str | None]) -> str:
    """`` (type x, code y)`` for the fields that are set, or nothing."""
    listed = ", ".join(f"{name} {value}" for name, value in fields if value is not None)
    return f" ({listed})" if listed else ""
