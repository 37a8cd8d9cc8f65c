"""Where the team's shared data lives (``../shared``), and markers for tests that need it.

The recordings and the spec are third-party data that the project reads but never copies.
A user who clones the project alone has no ``../shared``: the tests that need it skip.
Set ``ASSISTANT_STREAM_SHARED`` to point elsewhere.
"""

import os
from pathlib import Path

import pytest

SHARED = Path(
    os.environ.get("ASSISTANT_STREAM_SHARED", Path(__file__).resolve().parents[2] / "shared")
)
RECORDED = SHARED / "recorded"
SPEC = SHARED / "spec" / "openai-openapi.yaml"

requires_recordings = pytest.mark.skipif(
    not RECORDED.is_dir(), reason=f"no recorded streams at {RECORDED}"
)
requires_spec = pytest.mark.skipif(not SPEC.is_file(), reason=f"no OpenAPI spec at {SPEC}")
#: Streams recorded from Azure AI Foundry Agents (see its INDEX.md).
AZURE_RECORDED = RECORDED / "azure"
requires_azure_recordings = pytest.mark.skipif(
    not AZURE_RECORDED.is_dir(), reason=f"no recorded Azure streams at {AZURE_RECORDED}"
)


def recordings() -> list[Path]:
    """Every recorded stream body, sorted by name (empty when ../shared is absent)."""
    return sorted(RECORDED.glob("*.sse")) if RECORDED.is_dir() else []


def azure_recordings() -> list[Path]:
    """Every recorded Azure stream body, sorted by name (empty when ../shared is absent)."""
    return sorted(AZURE_RECORDED.glob("*.sse")) if AZURE_RECORDED.is_dir() else []
