"""Tests for assistant_stream._notices: one Callback member per EventHandler callback."""

from assistant_stream._notices import Callback
from assistant_stream.handler import CALLBACK_NAMES


def test_one_member_per_callback_in_order() -> None:
    """The members are EventHandler's callbacks, in the order of its class body."""
    assert list(CALLBACK_NAMES) == [member.value for member in Callback]


def test_member_named_like_its_method() -> None:
    """Each member is its method name in capitals, and equals that name."""
    assert all(member.name.lower() == member == member.value for member in Callback)
