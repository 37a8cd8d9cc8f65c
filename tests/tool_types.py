"""Types that the schema and registry tests annotate functions with, shared by both.

``from __future__ import annotations`` is on purpose: on Python 3.11 a ``TypedDict``
written so gets ``NotRequired`` keys wrong in ``__required_keys__``, which the schema and
the argument conversion must not trust.
"""

from __future__ import annotations

import enum
from typing import NotRequired, TypedDict


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Movie(TypedDict):
    title: str
    year: NotRequired[int]
