"""Tests for the Azure AI Agents tools of types.tools, as in ``run.tools`` and ``assistant.tools``.

Each payload holds every field ``azure-ai-agents`` 1.2.0b6 declares, by its wire name, with
distinct values: a misspelt field would drop its key, and the round trip would fail.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant_stream import types as t
from assistant_stream._converter import FAST


def without_nulls(value: Any) -> Any:
    """``value`` with every ``None`` member of its objects left out, however deep."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


#: Each Azure tool definition (every field the SDK declares, by its wire name) and its class.
TOOLS: dict[str, tuple[dict[str, Any], type]] = {
    "mcp": (
        {"server_label": "github", "server_url": "https://mcp", "allowed_tools": ["a"]},
        t.McpTool,
    ),
    "bing_grounding": (
        {
            "bing_grounding": {
                "search_configurations": [
                    {
                        "connection_id": "conn",
                        "market": "en-US",
                        "set_lang": "en",
                        "count": 5,
                        "freshness": "Week",
                    }
                ]
            }
        },
        t.BingGroundingTool,
    ),
    "bing_custom_search": (
        {
            "bing_custom_search": {
                "search_configurations": [{"connection_id": "conn", "instance_name": "docs"}]
            }
        },
        t.BingCustomSearchTool,
    ),
    "azure_ai_search": ({}, t.AzureAISearchTool),
    "azure_function": (
        {
            "azure_function": {
                "function": {"name": "foo", "description": "d", "parameters": {"type": "object"}},
                "input_binding": {
                    "type": "storage_queue",
                    "storage_queue": {"queue_service_endpoint": "https://q", "queue_name": "in"},
                },
                "output_binding": {
                    "type": "storage_queue",
                    "storage_queue": {"queue_service_endpoint": "https://q", "queue_name": "out"},
                },
            }
        },
        t.AzureFunctionTool,
    ),
    "openapi": (
        {
            "openapi": {
                "name": "weather",
                "description": "d",
                "spec": {"openapi": "3.0.1", "paths": {}},
                "auth": {"type": "connection", "security_scheme": {"connection_id": "conn"}},
                "default_params": ["format"],
                "functions": [{"name": "get", "parameters": {"type": "object"}}],
            }
        },
        t.OpenAPITool,
    ),
    "connected_agent": (
        {"connected_agent": {"id": "asst_2", "name": "helper", "description": "d"}},
        t.ConnectedAgentTool,
    ),
    "sharepoint_grounding": (
        {"sharepoint_grounding": {"connections": [{"connection_id": "sp"}]}},
        t.SharepointGroundingTool,
    ),
    "fabric_dataagent": (
        {"fabric_dataagent": {"connections": [{"connection_id": "fabric"}]}},
        t.FabricDataAgentTool,
    ),
    "deep_research": (
        {
            "deep_research": {
                "deep_research_model": "o3-deep-research",
                "bing_grounding_connections": [{"connection_id": "bing"}],
            }
        },
        t.DeepResearchTool,
    ),
    "browser_automation": (
        {"browser_automation": {"connection": {"id": "conn"}}},
        t.BrowserAutomationTool,
    ),
    "computer_use_preview": (
        {
            "computer_use_preview": {
                "display_width": 1024,
                "display_height": 768,
                "environment": "browser",
            }
        },
        t.ComputerUsePreviewTool,
    ),
}


def test_every_azure_tool_is_listed() -> None:
    """``TOOLS`` covers every member of AssistantTool but OpenAI's and Unknown."""
    openai = {t.CodeInterpreterTool, t.FileSearchTool, t.FunctionTool, t.UnknownTool}
    members = set(t.AssistantTool.__args__) - openai  # type: ignore[attr-defined]
    assert {cls for _, cls in TOOLS.values()} == members


@pytest.mark.parametrize("kind", TOOLS)
def test_tool_definition_keeps_every_field(kind: str) -> None:
    """Each Azure tool decodes to its class and back to the same JSON."""
    fields, cls = TOOLS[kind]
    payload = {"type": kind, **fields}
    tool = FAST.structure(payload, t.AssistantTool)
    assert (cls, payload) == (type(tool), without_nulls(FAST.unstructure(tool)))
