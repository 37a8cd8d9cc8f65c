"""Shared pytest setup: the hypothesis profiles (``FAST=1`` selects the quick one)."""

import os

from hypothesis import settings

settings.register_profile("tests", deadline=None, max_examples=200)
settings.register_profile("fast", parent=settings.get_profile("tests"), max_examples=25)
settings.load_profile("fast" if os.environ.get("FAST") == "1" else "tests")
