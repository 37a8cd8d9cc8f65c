"""Deterministic Assistants v2 stream bodies for the decode benchmark, built in memory.

Each workload is the complete ``text/event-stream`` body of one streamed run, as bytes:
frames of ``event: NAME`` / ``data: JSON`` / blank line with LF endings, closed by
``event: done`` / ``data: [DONE]``. The same seed always gives the same bytes.

The shapes follow what the live service sends (``../shared/spec/EVENTS.md`` and the recorded
bodies): every run, step, message and thread carries its complete field set (steps carry
the live service's ``expires_at`` as well as the spec's ``expired_at`` and ``metadata``, as
the shared bench bodies do); usage objects carry their token details; only the first text
delta of a content block carries ``"annotations": []``; citation deltas carry
``file_citation.quote: ""`` while the completed message drops ``quote`` and the annotation
``index``; the file-search step delta has empty ``results`` and the completed step has the
results with their ``content``. JSON is compact UTF-8 from orjson, so the text keeps its
non-ASCII characters and its escapes.

Workloads:

- ``long-text``: createRun; one message of 20,000 ``thread.message.delta`` of 1-6 characters.
- ``tools``: a code_interpreter step (header delta, 2,000 ``input`` deltas, a logs output),
  then a function call (header delta, 3,000 ``arguments`` deltas of JSON text) ending in
  ``thread.run.requires_action``.
- ``mixed``: createAndRun, exactly 10,000 events: file_search, text with ``file_citation``
  and ``file_path`` annotations, code_interpreter with logs and an image, a message whose
  content is ``[image_file, text]``, three messages, ``thread.run.completed`` with usage.

``event_count(name)`` is the number of events a client must see, excluding ``done``.
"""

from __future__ import annotations

import collections
import functools
import random
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = ["DEFAULT_SEED", "WORKLOADS", "Workload", "build", "event_count"]

DEFAULT_SEED = 7919

_ALNUM = string.ascii_letters + string.digits
_T0 = 1_735_689_600  # 2025-01-01T00:00:00Z
_MODEL = "gpt-4o-2024-11-20"
_INSTRUCTIONS = (
    "You are the operations analyst for a European rail-freight company. Answer in markdown, "
    "cite the maintenance manuals and incident logs for every claim, use the code interpreter "
    "for any calculation and attach the charts you produce. When asked to plan work, call "
    "schedule_maintenance with the full plan."
)
_FUNCTIONS: list[dict[str, Any]] = [
    {
        "name": "schedule_maintenance",
        "description": "Book a maintenance window and the tasks to carry out in it.",
        "parameters": {
            "type": "object",
            "properties": {
                "depot": {"type": "string"},
                "window": {
                    "type": "object",
                    "properties": {"start": {"type": "string"}, "hours": {"type": "integer"}},
                },
                "tasks": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "asset": {"type": "string"},
                            "action": {"type": "string"},
                            "notes": {"type": "string"},
                            "checklist": {"type": "array", "items": {"type": "string"}},
                            "estimate_hours": {"type": "number"},
                            "needs_possession": {"type": "boolean"},
                        },
                        "required": ["asset", "action"],
                    },
                },
                "notify": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["depot", "tasks"],
        },
        "strict": False,
    },
    {
        "name": "lookup_asset",
        "description": "Return the service record of one wagon or locomotive.",
        "parameters": {
            "type": "object",
            "properties": {"asset_id": {"type": "string"}},
            "required": ["asset_id"],
        },
        "strict": True,
    },
]
_TOOLS: list[dict[str, Any]] = [
    {"type": "code_interpreter"},
    {
        "type": "file_search",
        "file_search": {
            "max_num_results": 20,
            "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0},
        },
    },
    *({"type": "function", "function": f} for f in _FUNCTIONS),
]

# -- text material ------------------------------------------------------------------------

_WORDS = """
axle bearing bogie brake coupler wagon locomotive depot siding yard shunting freight
consignment timetable path possession signal interlocking track gauge sleeper ballast
inspection defect wear tolerance threshold sensor vibration temperature hotbox alarm
maintenance overhaul schedule backlog availability reliability fleet mileage interval
incident delay cause report trend quarter month week route corridor terminal border
crossing capacity load tonnes axleload speed restriction failure rate mean median
increase decrease stable compared previous expected observed estimated measured above
below within across per the a of and to in for on with by from at as is are was were
this that these which while because although however therefore overall roughly about
""".split()  # noqa: SIM905 - a word list reads better as text
_EXOTIC = ["München", "Zürich", "Malmö", "Gdańsk", "Brașov", "naïve", "≈", "±", "→", "°C",
           "€", "—", "…", "✓", "µm", "日本", "«Bremse»", "🚆"]  # fmt: skip
_HEADINGS = ["Summary", "Findings", "Root causes", "Fleet status", "Recommendations",
             "Open questions", "Method", "Next steps"]  # fmt: skip
_DEPOTS = ["München Nord", "Zürich RBL", "Malmö C", "Gdańsk Port", "Brașov Triaj", "Köln Eifeltor"]


def _sentence(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(6, 20)):
        roll = rng.random()
        if roll < 0.04:
            words.append(rng.choice(_EXOTIC))
        elif roll < 0.09:
            words.append(f"{rng.randint(2, 980)}{rng.choice(['', ' km', ' t', '%', ' h', '.5'])}")
        elif roll < 0.11:
            words.append(f"`{rng.choice(_WORDS)}_{rng.choice(_WORDS)}`")
        elif roll < 0.13:
            words.append(f'"{rng.choice(_WORDS)}"')
        else:
            words.append(rng.choice(_WORDS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?!:")


def _markdown(rng: random.Random) -> Iterator[str]:
    """Endless markdown: headings, paragraphs, bullet lists, tables and code fences."""
    while True:
        roll = rng.random()
        if roll < 0.08:
            yield f"### {rng.choice(_HEADINGS)}\n\n"
        elif roll < 0.22:
            yield "".join(f"- {_sentence(rng)}\n" for _ in range(rng.randint(2, 5))) + "\n"
        elif roll < 0.27:
            rows = [f"| {rng.choice(_DEPOTS)} | {rng.randint(3, 90)} | {rng.uniform(0, 9):.1f}% |"
                    for _ in range(rng.randint(2, 5))]  # fmt: skip
            yield "| depot | defects | delay |\n|---|---:|---:|\n" + "\n".join(rows) + "\n\n"
        elif roll < 0.31:
            yield f"```\nthreshold = {rng.uniform(40, 90):.1f}  # °C, hotbox alarm\n```\n\n"
        else:
            yield " ".join(_sentence(rng) for _ in range(rng.randint(2, 5))) + "\n\n"


#: A word with at most one leading space, a run of newlines, or one other blank.
_TOKEN = re.compile(r" ?\S+|\n+|\s")


def _fragments(text: str, rng: random.Random) -> Iterator[str]:
    """Cut text into delta-sized pieces of 1 to 6 characters, the way a model streams."""
    for match in _TOKEN.finditer(text):
        token = match.group()
        while len(token) > 6:
            cut = rng.randint(2, 5)
            yield token[:cut]
            token = token[cut:]
        yield token


def _text_deltas(rng: random.Random, n: int) -> list[str]:
    """Exactly ``n`` text fragments of markdown prose."""
    out: list[str] = []
    source = _markdown(rng)
    while len(out) < n:
        out.extend(_fragments(next(source), rng))
    return out[:n]


def _split_to(pieces: list[str], n: int, rng: random.Random) -> list[str]:
    """Split random pieces in two until there are exactly ``n``."""
    if len(pieces) > n or sum(map(len, pieces)) < n:
        raise ValueError(f"cannot make {n} pieces out of {len(pieces)}")
    while len(pieces) < n:
        i = rng.randrange(len(pieces))
        piece = pieces[i]
        if len(piece) > 1:
            cut = rng.randint(1, len(piece) - 1)
            pieces[i : i + 1] = [piece[:cut], piece[cut:]]
    return pieces


def _whole_deltas(rng: random.Random, n: int, drafts: Iterator[str]) -> list[str]:
    """Exactly ``n`` fragments of a complete text (code, a JSON document).

    ``drafts`` yields ever longer complete texts. The longest one that cuts into at most
    ``n`` fragments is used, with some fragments split again to make up the count.
    """
    best: list[str] = []
    for draft in drafts:
        pieces = list(_fragments(draft, rng))
        if len(pieces) > n:
            return _split_to(best, n, rng)
        best = pieces
    raise AssertionError("drafts are endless")


def _code_drafts(rng: random.Random) -> Iterator[str]:
    """Ever longer pandas scripts, each ending at a complete statement."""
    code = (
        "import pandas as pd\nimport matplotlib.pyplot as plt\n\n"
        f"df = pd.read_csv('/mnt/data/{_file_id(rng)}')\nprint(df.shape)\n"
    )
    while True:
        a, b = rng.sample(_WORDS[:60], 2)
        code += rng.choice(
            [
                f"df['{a}_rate'] = df['{a}'] / df['km'] * 1000\nprint(df['{a}_rate'].describe())\n",
                f"by_depot = df.groupby('depot')['{b}'].agg(['mean', 'median', 'count'])\n"
                "print(by_depot.sort_values('mean', ascending=False).head(10))\n",
                f"fig, ax = plt.subplots(figsize=(9, 5))\ndf.plot(x='week', y='{a}', ax=ax)\n"
                f"ax.set_title('{a.title()} per week — {b}')\nplt.savefig('/mnt/data/{a}.png')\n",
                f"mask = (df['{a}'] > {rng.uniform(0, 5):.2f}) & df['{b}'].notna()\n"
                "print(len(df[mask]), 'rows above threshold')\n",
                f"def {a}_{b}(frame, window={rng.randint(3, 28)}):\n"
                f'    """Rolling {a} per {b}."""\n'
                f"    return frame['{a}'].rolling(window).mean().fillna(0)\n\n",
            ]
        )
        yield code


def _argument_drafts(rng: random.Random) -> Iterator[str]:
    """Ever longer JSON arguments for ``schedule_maintenance``, one more task each time."""
    tasks: list[dict[str, Any]] = []
    plan = {
        "depot": rng.choice(_DEPOTS),
        "window": {"start": "2025-03-08T22:00:00+01:00", "hours": rng.randint(6, 30)},
        "tasks": tasks,
        "notify": ["fleet-ops@example.eu", "depot-lead@example.eu"],
    }
    while True:
        series = rng.choice(["Sgns", "Habbiins", "Eanos", "BR189"])
        tasks.append(
            {
                "asset": f"{series}-{rng.randint(1000, 9999)}",
                "action": rng.choice(["replace brake blocks", "reprofile wheelset", "inspect"]),
                "notes": _sentence(rng),
                "checklist": [_sentence(rng) for _ in range(rng.randint(1, 3))],
                "estimate_hours": round(rng.uniform(0.5, 9), 1),
                "needs_possession": rng.random() < 0.3,
            }
        )
        yield orjson.dumps(plan).decode()


def _logs(rng: random.Random, rows: int) -> str:
    """A printed data frame, as a code_interpreter ``logs`` output."""
    lines = [f"({rows * 53}, 6)", "        depot  defects  delay_min  km_since  hotbox  ok"]
    lines += [
        f"{i:<4}{rng.choice(_DEPOTS):>13}{rng.randint(0, 40):>9}{rng.uniform(0, 300):>11.1f}"
        f"{rng.randint(100, 99_999):>10}{rng.uniform(30, 95):>8.1f}  {rng.choice('✓✗')}"
        for i in range(rows)
    ]
    return "\n".join(lines) + "\n"


def _rid(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choices(_ALNUM, k=24))


def _file_id(rng: random.Random) -> str:
    return "file-" + "".join(rng.choices(_ALNUM, k=22))


# -- the stream builder -------------------------------------------------------------------


class _Run:
    """Collects the frames of one streamed run and builds its objects with every field."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.frames: list[tuple[str, bytes]] = []
        self.now = _T0
        self.thread_id = _rid(rng, "thread_")
        self.assistant_id = _rid(rng, "asst_")
        self.run_id = _rid(rng, "run_")
        self.code_files = [_file_id(rng)]
        self.prompt_tokens = rng.randint(1_200, 6_000)
        self.completion_tokens = 0

    def emit(self, event: str, data: dict[str, Any]) -> None:
        self.frames.append((event, orjson.dumps(data)))

    def tick(self) -> int:
        self.now += self.rng.randint(0, 2)
        return self.now

    def body(self) -> bytes:
        parts = [b"event: %s\ndata: %s\n\n" % (e.encode(), d) for e, d in self.frames]
        parts.append(b"event: done\ndata: [DONE]\n\n")
        return b"".join(parts)

    # objects

    def usage(self, prompt: int, completion: int) -> dict[str, Any]:
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_token_details": {"cached_tokens": prompt // 4},
            "completion_tokens_details": {"reasoning_tokens": 0},
        }

    def run(self, status: str, *, required_action: Any = None) -> dict[str, Any]:
        done = status == "completed"
        return {
            "id": self.run_id,
            "object": "thread.run",
            "created_at": _T0,
            "assistant_id": self.assistant_id,
            "thread_id": self.thread_id,
            "status": status,
            "started_at": None if status == "queued" else _T0 + 1,
            "expires_at": None if done else _T0 + 600,
            "cancelled_at": None,
            "failed_at": None,
            "completed_at": self.now if done else None,
            "required_action": required_action,
            "last_error": None,
            "model": _MODEL,
            "instructions": _INSTRUCTIONS,
            "tools": _TOOLS,
            "tool_resources": {"code_interpreter": {"file_ids": self.code_files}},
            "metadata": {"tenant": "railops-eu", "session": "weekly-review", "origin": "bench"},
            "temperature": 0.4,
            "top_p": 1.0,
            "reasoning_effort": None,
            "max_completion_tokens": 32_768,
            "max_prompt_tokens": 100_000,
            "truncation_strategy": {"type": "auto", "last_messages": None},
            "incomplete_details": None,
            "usage": self.usage(self.prompt_tokens, self.completion_tokens) if done else None,
            "response_format": "auto",
            "tool_choice": "auto",
            "parallel_tool_calls": True,
        }

    def step(
        self, step_id: str, details: dict[str, Any], *, completion: int | None = None
    ) -> dict[str, Any]:
        """A run step; ``completion`` tokens given means it is completed, with usage."""
        done = completion is not None
        usage = None
        if done:
            prompt = self.rng.randint(400, 4_000)
            usage = self.usage(prompt, completion)
            self.completion_tokens += completion
        return {
            "id": step_id,
            "object": "thread.run.step",
            "created_at": self.now,
            "run_id": self.run_id,
            "assistant_id": self.assistant_id,
            "thread_id": self.thread_id,
            "type": details["type"],
            "status": "completed" if done else "in_progress",
            "cancelled_at": None,
            "completed_at": self.tick() if done else None,
            "expires_at": _T0 + 600,
            "expired_at": None,
            "failed_at": None,
            "last_error": None,
            "step_details": details,
            "metadata": {},
            "usage": usage,
        }

    def message(self, msg_id: str, content: list[dict[str, Any]]) -> dict[str, Any]:
        """A message; non-empty ``content`` means it is completed."""
        done = bool(content)
        return {
            "id": msg_id,
            "object": "thread.message",
            "created_at": self.now,
            "assistant_id": self.assistant_id,
            "thread_id": self.thread_id,
            "run_id": self.run_id,
            "status": "completed" if done else "in_progress",
            "incomplete_details": None,
            "incomplete_at": None,
            "completed_at": self.tick() if done else None,
            "role": "assistant",
            "content": content,
            "attachments": [],
            "metadata": {},
        }

    # stream sections

    def start(self, *, create_thread: bool) -> None:
        if create_thread:
            resources = {
                "code_interpreter": {"file_ids": self.code_files},
                "file_search": {"vector_store_ids": [_rid(self.rng, "vs_")]},
            }
            self.emit(
                "thread.created",
                {
                    "id": self.thread_id,
                    "object": "thread",
                    "created_at": _T0,
                    "metadata": {"channel": "ops-portal"},
                    "tool_resources": resources,
                },
            )
        self.emit("thread.run.created", self.run("queued"))
        self.emit("thread.run.queued", self.run("queued"))
        self.emit("thread.run.in_progress", self.run("in_progress"))

    def message_step(self, blocks: list[dict[str, int]]) -> None:
        """One message_creation step whose message streams ``blocks`` in order.

        A block is ``{"image": 1}`` or ``{"deltas": n, "citations": k, "paths": j}``.
        """
        rng = self.rng
        step_id, msg_id = _rid(rng, "step_"), _rid(rng, "msg_")
        details = {"type": "message_creation", "message_creation": {"message_id": msg_id}}
        self.tick()
        self.emit("thread.run.step.created", self.step(step_id, details))
        self.emit("thread.run.step.in_progress", self.step(step_id, details))
        self.emit("thread.message.created", self.message(msg_id, []))
        self.emit("thread.message.in_progress", self.message(msg_id, []))
        content: list[dict[str, Any]] = []
        tokens = 0
        for index, block in enumerate(blocks):
            if "image" in block:
                image = {"file_id": _file_id(rng), "detail": None}
                part = {"index": index, "type": "image_file", "image_file": image}
                self.emit_message_delta(msg_id, part)
                content.append({"type": "image_file", "image_file": image})
                continue
            content.append(self._text_block(msg_id, index, block))
            tokens += block["deltas"]
        self.emit("thread.message.completed", self.message(msg_id, content))
        self.emit("thread.run.step.completed", self.step(step_id, details, completion=tokens))

    def emit_message_delta(self, msg_id: str, part: dict[str, Any]) -> None:
        delta = {"content": [part]}
        self.emit(
            "thread.message.delta", {"id": msg_id, "object": "thread.message.delta", "delta": delta}
        )

    def _text_block(self, msg_id: str, index: int, block: dict[str, int]) -> dict[str, Any]:
        """Stream one text block and return it as the completed message holds it."""
        rng = self.rng
        pieces = _text_deltas(rng, block["deltas"])
        kinds = ["file_citation"] * block.get("citations", 0)
        kinds += ["file_path"] * block.get("paths", 0)
        # Which deltas carry an annotation (the first delta never does).
        at = dict(zip(rng.sample(range(10, len(pieces) - 10), len(kinds)), kinds, strict=True))
        annotations: list[dict[str, Any]] = []
        length = 0
        for i, piece in enumerate(pieces):
            text: dict[str, Any] = {"value": piece}
            if i == 0:
                text["annotations"] = []
            kind = at.get(i)
            if kind is not None:
                file_id = _file_id(rng)
                if kind == "file_citation":
                    source = f"manual_{rng.randint(1, 9)}.pdf"
                    piece = f"【{rng.randint(3, 14)}:{len(annotations)}†{source}】"
                    ref = {"file_id": file_id}
                    delta_ref = {"file_id": file_id, "quote": ""}
                else:
                    piece = f"sandbox:/mnt/data/{rng.choice(_WORDS[:40])}_summary.xlsx"
                    ref = delta_ref = {"file_id": file_id}
                end = length + len(piece)
                note = {"type": kind, "text": piece, "start_index": length, "end_index": end}
                text = {
                    "value": piece,
                    "annotations": [{"index": len(annotations), **note, kind: delta_ref}],
                }
                annotations.append({**note, kind: ref})
            part = {"index": index, "type": "text", "text": text}
            self.emit_message_delta(msg_id, part)
            pieces[i] = piece
            length += len(piece)
        return {"type": "text", "text": {"value": "".join(pieces), "annotations": annotations}}

    def _open_tool_step(self) -> str:
        step_id = _rid(self.rng, "step_")
        self.tick()
        empty = {"type": "tool_calls", "tool_calls": []}
        self.emit("thread.run.step.created", self.step(step_id, empty))
        self.emit("thread.run.step.in_progress", self.step(step_id, empty))
        return step_id

    def emit_tool_delta(self, step_id: str, call: dict[str, Any]) -> None:
        details = {"type": "tool_calls", "tool_calls": [call]}
        data = {
            "id": step_id,
            "object": "thread.run.step.delta",
            "delta": {"step_details": details},
        }
        self.emit("thread.run.step.delta", data)

    def file_search_step(self, results: int) -> None:
        rng = self.rng
        step_id = self._open_tool_step()
        call_id = _rid(rng, "call_")
        ranking = {"ranker": "default_2024_08_21", "score_threshold": 0.0}
        search = {"ranking_options": ranking, "results": []}
        self.emit_tool_delta(
            step_id, {"index": 0, "id": call_id, "type": "file_search", "file_search": search}
        )
        found = [
            {
                "file_id": _file_id(rng),
                "file_name": f"manual_{i + 1}.pdf",
                "score": round(rng.uniform(0.5, 0.95), 16),
                "attributes": {},
                "content": [{"type": "text", "text": " ".join(_sentence(rng) for _ in range(4))}],
            }
            for i in range(results)
        ]
        call = {
            "id": call_id,
            "type": "file_search",
            "file_search": {"ranking_options": ranking, "results": found},
        }
        details = {"type": "tool_calls", "tool_calls": [call]}
        self.emit(
            "thread.run.step.completed", self.step(step_id, details, completion=rng.randint(15, 60))
        )

    def code_interpreter_step(self, n_input: int, log_rows: int, *, image: bool) -> None:
        rng = self.rng
        step_id = self._open_tool_step()
        call_id = _rid(rng, "call_")
        head = {"input": "", "outputs": []}
        self.emit_tool_delta(
            step_id,
            {"index": 0, "id": call_id, "type": "code_interpreter", "code_interpreter": head},
        )
        pieces = _whole_deltas(rng, n_input, _code_drafts(rng))
        for piece in pieces:
            self.emit_tool_delta(
                step_id,
                {"index": 0, "type": "code_interpreter", "code_interpreter": {"input": piece}},
            )
        outputs: list[dict[str, Any]] = [{"type": "logs", "logs": _logs(rng, log_rows)}]
        if image:
            outputs.append({"type": "image", "image": {"file_id": _file_id(rng)}})
        for i, output in enumerate(outputs):
            interp = {"outputs": [{"index": i, **output}]}
            self.emit_tool_delta(
                step_id, {"index": 0, "type": "code_interpreter", "code_interpreter": interp}
            )
        code = {"input": "".join(pieces), "outputs": outputs}
        call = {"id": call_id, "type": "code_interpreter", "code_interpreter": code}
        details = {"type": "tool_calls", "tool_calls": [call]}
        self.emit("thread.run.step.completed", self.step(step_id, details, completion=n_input))

    def function_call_requires_action(self, n_arguments: int) -> None:
        """A function tool step streaming its arguments; the run then requires action."""
        rng = self.rng
        step_id = self._open_tool_step()
        call_id = _rid(rng, "call_")
        name = _FUNCTIONS[0]["name"]
        head = {"name": name, "arguments": "", "output": None}
        self.emit_tool_delta(
            step_id, {"index": 0, "id": call_id, "type": "function", "function": head}
        )
        pieces = _whole_deltas(rng, n_arguments, _argument_drafts(rng))
        for piece in pieces:
            self.emit_tool_delta(
                step_id, {"index": 0, "type": "function", "function": {"arguments": piece}}
            )
        call = {
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": "".join(pieces)},
        }
        action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [call]}}
        self.tick()
        self.emit("thread.run.requires_action", self.run("requires_action", required_action=action))

    def complete(self) -> None:
        self.tick()
        self.emit("thread.run.completed", self.run("completed"))


# -- workloads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    """One generated stream body.

    Attributes:
        name: the workload's name, a key of ``WORKLOADS``.
        body: the whole ``text/event-stream`` body, ending with the ``done`` frame.
        events: how many events precede ``done``.
        counts: how many of each event name, ``done`` excluded.
    """

    name: str
    body: bytes
    events: int
    counts: dict[str, int]


def _long_text(run: _Run, deltas: int = 20_000) -> None:
    run.start(create_thread=False)
    run.message_step([{"deltas": deltas}])
    run.complete()


def _tools(run: _Run) -> None:
    run.start(create_thread=False)
    run.code_interpreter_step(2_000, log_rows=40, image=False)
    run.function_call_requires_action(3_000)


_MIXED_EVENTS = 10_000


def _mixed(run: _Run) -> None:
    run.start(create_thread=True)
    run.file_search_step(results=5)
    run.message_step([{"deltas": 2_600, "citations": 8}])
    run.code_interpreter_step(1_500, log_rows=25, image=True)
    run.message_step([{"image": 1}, {"deltas": 2_000, "citations": 3, "paths": 1}])
    # The last message takes whatever is left: 6 lifecycle events + run.completed remain.
    rest = _MIXED_EVENTS - len(run.frames) - 6 - 1
    run.message_step([{"deltas": rest, "citations": 6}])
    run.complete()


WORKLOADS: dict[str, Callable[[_Run], None]] = {
    "long-text": _long_text,
    "tools": _tools,
    "mixed": _mixed,
}

#: The same single message at two lengths: does a delta cost more when the text is long?
SCALING: dict[str, Callable[[_Run], None]] = {
    "text-5k": functools.partial(_long_text, deltas=5_000),
    "text-80k": functools.partial(_long_text, deltas=80_000),
}


@functools.cache
def build(name: str, seed: int = DEFAULT_SEED) -> Workload:
    """Generate (once per process) the body of workload ``name``."""
    # Each workload gets its own stream of random numbers, so one does not shift another.
    run = _Run(random.Random(f"{seed}:{name}"))
    (WORKLOADS | SCALING)[name](run)
    counts = collections.Counter(event for event, _ in run.frames)
    return Workload(name, run.body(), len(run.frames), dict(sorted(counts.items())))


def event_count(name: str, seed: int = DEFAULT_SEED) -> int:
    """Events a client must see in workload ``name``, excluding the final ``done``."""
    return build(name, seed).events


if __name__ == "__main__":
    for wl_name in WORKLOADS:
        wl = build(wl_name)
        print(f"{wl_name:10s} {wl.events:6,d} events {len(wl.body) / 1024:8.0f} KiB  {wl.counts}")
