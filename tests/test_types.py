"""Tests for assistant_stream.types: every model survives JSON, and missing fields default."""

from typing import Any

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import models

import assistant_stream.types as types_module
from assistant_stream import EVENT_TYPES, decode_event
from assistant_stream._converter import FAST
from assistant_stream.types import (
    IncompleteReason,
    LastErrorCode,
    MessageRole,
    MessageStatus,
    RunStatus,
    RunStepStatus,
    RunStepType,
)

MODELS = sorted(
    (obj for name in types_module.__all__ if attrs.has(obj := getattr(types_module, name))),
    key=lambda cls: cls.__name__,
)
KNOWN_MODELS = [cls for cls in MODELS if not cls.__name__.startswith("Unknown")]
EVENT_CLASSES = sorted(
    (cls for name, cls in EVENT_TYPES.items() if name.startswith("thread.")),
    key=lambda cls: cls.__name__,
)


def through_json(model: Any, cls: type) -> Any:
    """Encode a model to wire JSON and decode it again."""
    return FAST.structure(orjson.loads(orjson.dumps(FAST.unstructure(model))), cls)


@pytest.mark.parametrize("cls", KNOWN_MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_model_round_trips_through_json(cls: type, data: st.DataObject) -> None:
    """Any instance, unknown union members included, is rebuilt unchanged from its JSON."""
    model = data.draw(models(cls))
    assert model == through_json(model, cls)


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda cls: cls.__name__)
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_event_data_round_trips_through_decode_event(cls: Any, data: st.DataObject) -> None:
    """What decode_event makes of a model's JSON is the model, hot paths included."""
    model = data.draw(models(attrs.fields_dict(cls)["data"].type))
    assert cls(model) == decode_event(cls.event, orjson.dumps(FAST.unstructure(model)))


@pytest.mark.parametrize("cls", KNOWN_MODELS, ids=lambda cls: cls.__name__)
def test_missing_fields_take_tolerant_defaults(cls: type) -> None:
    """Only ids and delta indexes are required; everything else defaults to None, () or a tag."""
    required = {f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING}
    assert required <= {"id", "index"}
    payload = {name: (0 if name == "index" else "x_1") for name in required}
    model = FAST.structure(payload, cls)
    for field in attrs.fields(cls):
        if field.name not in required:
            assert field.default == getattr(model, field.name), field.name
            assert (
                field.default is None
                or isinstance(field.default, (str, tuple))
                or attrs.has(type(field.default))
            )


@pytest.mark.parametrize(
    ("constants", "values"),
    [
        (RunStatus, "queued in_progress requires_action cancelling cancelled failed completed "
         "incomplete expired"),
        (RunStepStatus, "in_progress cancelled failed completed expired"),
        (RunStepType, "message_creation tool_calls activities"),  # activities: Azure
        (MessageStatus, "in_progress incomplete completed"),
        (MessageRole, "user assistant"),
        (LastErrorCode, "server_error rate_limit_exceeded invalid_prompt"),
        (IncompleteReason, "max_completion_tokens max_prompt_tokens content_filter max_tokens "
         "run_cancelled run_expired run_failed"),
    ],
    ids=lambda c: getattr(c, "__name__", ""),
)  # fmt: skip
def test_constants_list_the_spec_values(constants: type, values: str) -> None:
    """Each constants class names exactly the values of ../shared/spec/EVENTS.md §13.4.

    Azure AI Agents' additions are listed too, each marked in its constants class.
    """
    found = {v for k, v in vars(constants).items() if k.isupper() and isinstance(v, str)}
    assert set(values.split()) == found


def test_terminal_statuses() -> None:
    """TERMINAL groups name the statuses after which nothing more happens."""
    assert {"cancelled", "failed", "completed", "incomplete", "expired"} == RunStatus.TERMINAL
    assert {"cancelled", "failed", "completed", "expired"} == RunStepStatus.TERMINAL


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_models_are_frozen_and_slotted(cls: type) -> None:
    """Every model is an immutable value without a per-instance __dict__."""
    assert "__slots__" in cls.__dict__
    instance = FAST.structure({"id": "x_1", "index": 0, "type": "t", "raw": {}}, cls)
    assert not hasattr(instance, "__dict__")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(instance, attrs.fields(cls)[0].name, None)
