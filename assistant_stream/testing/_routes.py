"""The embedded server's HTTP surface: one table of routes, and the checks every request meets.

Rule 1 - before any route runs, ``_admit`` records the request (``server.requests``),
checks the key (401 with the service's body when a key is set and the request's is missing
or wrong) and the ``OpenAI-Beta: assistants=v2`` header (400 without it), or on Azure the
token and the ``api-version`` (``_azure.admit``), then applies the request's fault: its
latency, then its status (nothing else happens: the server did not act).

Rule 2 - every answer is JSON with an ``x-request-id``, but a stream's; every refusal is the
service's error body (``_refusals``, turned into a response by the ``errors`` middleware),
an unknown path included (404 ``Invalid URL``).

Rule 3 - bodies are checked by ``_fields`` before the store sees them. The routes are the
same for both flavours, under ``/v1`` or Azure's project endpoint (``_azure.PREFIX``).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import orjson
from aiohttp import web

from . import _azure, _fields, _refusals
from ._faults import Fault
from ._refusals import ApiError

if TYPE_CHECKING:
    from ._server import AssistantServer

__all__ = ["Call", "add_routes", "errors", "request_id"]

_Handler = Callable[["AssistantServer", web.Request, "Call"], Awaitable[web.StreamResponse]]
BETA: Final = "assistants=v2"
#: What the server tells pollers (``openai-poll-after-ms``): a few looks per phase of a
#: run played in the background (``_server.BACKGROUND_PHASE``).
POLL_AFTER_MS: Final = 20


def request_id() -> dict[str, str]:
    """A fresh ``x-request-id`` header, as the service sends on every answer."""
    return {"x-request-id": "req_" + secrets.token_hex(16)}


def _json(value: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(
        body=orjson.dumps(value),
        status=status,
        content_type="application/json",
        headers={**request_id(), **(headers or {})},
    )


def _run_answer(run: dict[str, Any]) -> web.Response:
    return _json(run, headers={"openai-poll-after-ms": str(POLL_AFTER_MS)})


async def _body(request: web.Request) -> Any:
    if not request.can_read_body:
        return {}
    raw = await request.read()
    try:
        return orjson.loads(raw) if raw else {}
    except orjson.JSONDecodeError:
        raise _refusals.no_body() from None


@attrs.frozen
class Call:
    """What a route needs besides the request: its decoded body and its fault."""

    body: Any
    fault: Fault


async def _admit(server: AssistantServer, request: web.Request) -> Call | web.Response:
    """Record, check and delay the request (Rule 1); a response if it ends here."""
    from ._server import Received

    body = await _body(request) if request.method == "POST" else None
    server.requests.append(
        Received(
            request.method,
            request.path.removeprefix(server.root),
            dict(request.query),
            dict(request.headers),
            body,
        )
    )
    _authorize(server, request)
    fault = server.take_fault(isinstance(body, dict) and body.get("stream") is True)
    if fault.latency:
        await asyncio.sleep(fault.latency)
    if fault.status is not None:
        answer = fault.body if fault.body is not None else _refusals.for_status(fault.status)
        return _json(answer, fault.status, fault.headers)
    return Call(body, fault)


@web.middleware
async def errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every refusal as the service's JSON error body (Rule 2)."""
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except ApiError as error:
        return _json(error.body, error.status)
    except web.HTTPNotFound:
        message = f"Invalid URL ({request.method} {request.path})"
        return _json(ApiError(404, message).body, 404)
    except web.HTTPMethodNotAllowed:
        message = f"Invalid method for URL ({request.method} {request.path})"
        return _json(ApiError(405, message).body, 405)


def _authorize(server: AssistantServer, request: web.Request) -> None:
    if server.azure:
        _azure.admit(request.headers, request.query, server.api_key)
        return
    if server.api_key is not None:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            raise _refusals.missing_key()
        if not secrets.compare_digest(key.encode(), server.api_key.encode()):
            raise _refusals.bad_key(key)
    if BETA not in request.headers.get("OpenAI-Beta", ""):
        raise _refusals.beta_header()


# -- the routes ----------------------------------------------------------------------------


def _query(request: web.Request) -> dict[str, str]:
    return dict(request.query)


def _body_kind(server: AssistantServer, request: web.Request, endpoint: str) -> str:
    """The ``_fields.BODIES`` entry for ``endpoint``'s body, in the server's flavour."""
    return _azure.body_of(endpoint, request.query) if server.azure else endpoint


async def create_assistant(
    server: AssistantServer, request: web.Request, call: Call
) -> web.Response:
    return _json(server.store.create_assistant(_fields.check("create_assistant", call.body)))


async def list_assistants(
    server: AssistantServer, request: web.Request, call: Call
) -> web.Response:
    return _json(server.store.assistants(_query(request)))


async def get_assistant(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    return _json(server.store.assistant(request.match_info["assistant_id"]))


async def modify_assistant(
    server: AssistantServer, request: web.Request, call: Call
) -> web.Response:
    body = _fields.check("modify_assistant", call.body)
    agent = server.store.assistant(request.match_info["assistant_id"])
    agent.update(body)
    return _json(agent)


async def delete_assistant(
    server: AssistantServer, request: web.Request, call: Call
) -> web.Response:
    return _json(server.store.delete_assistant(request.match_info["assistant_id"]))


async def create_thread(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    return _json(server.store.create_thread(_fields.check("create_thread", call.body)))


async def get_thread(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    return _json(server.store.thread(request.match_info["thread_id"]))


async def modify_thread(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    body = _fields.check("modify_thread", call.body)
    thread = server.store.thread(request.match_info["thread_id"])
    thread.update(body)
    return _json(thread)


async def delete_thread(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    return _json(server.store.delete_thread(request.match_info["thread_id"]))


async def create_message(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    body = _fields.check("create_message", call.body)
    return _json(server.store.add_message(request.match_info["thread_id"], body))


async def list_messages(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    answer = _json(server.store.messages(request.match_info["thread_id"], _query(request)))
    server.store.looked_at(request.match_info["thread_id"])
    return answer


async def get_message(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    info = request.match_info
    return _json(server.store.message(info["thread_id"], info["message_id"]))


async def modify_message(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    body = _fields.check("modify", call.body)
    info = request.match_info
    message = server.store.message(info["thread_id"], info["message_id"])
    message.update(body)
    return _json(message)


async def delete_message(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    info = request.match_info
    return _json(server.store.delete_message(info["thread_id"], info["message_id"]))


async def _start(
    server: AssistantServer,
    request: web.Request,
    call: Call,
    thread_id: str,
    body: dict[str, Any],
    thread_created: bool = False,
) -> web.StreamResponse:
    state = server.store.start_run(thread_id, body)
    events = server.events(state, thread_created=thread_created)
    if body.get("stream"):
        return await server.stream(request, events, call.fault)
    answer = _run_answer(dict(state.run))
    server.in_background(events, state)
    return answer


async def create_run(
    server: AssistantServer, request: web.Request, call: Call
) -> web.StreamResponse:
    body = _fields.check(_body_kind(server, request, "create_run"), call.body)
    return await _start(server, request, call, request.match_info["thread_id"], body)


async def create_thread_and_run(
    server: AssistantServer, request: web.Request, call: Call
) -> web.StreamResponse:
    body = _fields.check("create_thread_and_run", call.body)
    server.store.assistant(body["assistant_id"])  # 404 before a thread exists
    thread_body = body.pop("thread", {})
    if not isinstance(thread_body, dict):
        raise _refusals.bad_type("thread", "an object", thread_body)
    thread = server.store.create_thread(_fields.check("create_thread", thread_body))
    try:
        return await _start(server, request, call, thread["id"], body, thread_created=True)
    except ApiError:
        server.store.delete_thread(thread["id"])  # a refused run leaves no thread behind
        raise


async def list_runs(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    answer = _json(server.store.runs(request.match_info["thread_id"], _query(request)))
    server.store.looked_at(request.match_info["thread_id"])
    return answer


async def get_run(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    info = request.match_info
    state = server.store.run_state(info["thread_id"], info["run_id"])
    state.looks += 1
    return _run_answer(state.run)


async def modify_run(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    body = _fields.check("modify", call.body)
    info = request.match_info
    run = server.store.run_state(info["thread_id"], info["run_id"]).run
    run.update(body)
    return _run_answer(run)


async def cancel_run(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    info = request.match_info
    return _run_answer(dict(server.store.cancel(info["thread_id"], info["run_id"]).run))


async def submit_tool_outputs(
    server: AssistantServer, request: web.Request, call: Call
) -> web.StreamResponse:
    body = _fields.check(_body_kind(server, request, "submit_tool_outputs"), call.body)
    if ("tool_outputs" in body) == ("tool_approvals" in body):
        raise _refusals.one_answer()
    info = request.match_info
    if "tool_approvals" in body:  # Azure's MCP calls
        approvals = _fields.check_approvals(body["tool_approvals"])
        state = server.store.approve(info["thread_id"], info["run_id"], approvals)
    else:
        outputs = _fields.check_outputs(body["tool_outputs"], azure=server.azure)
        state = server.store.submit(info["thread_id"], info["run_id"], outputs)
    events = server.events(state)
    if body.get("stream"):
        return await server.stream(request, events, call.fault)
    answer = _run_answer(dict(state.run))
    server.in_background(events, state)
    return answer


async def list_steps(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    info = request.match_info
    return _json(server.store.steps(info["thread_id"], info["run_id"], _query(request)))


async def get_step(server: AssistantServer, request: web.Request, call: Call) -> web.Response:
    info = request.match_info
    return _json(server.store.step(info["thread_id"], info["run_id"], info["step_id"]))


_RUN: Final = "/v1/threads/{thread_id}/runs/{run_id}"
#: Every route: method, path, handler. ``/threads/runs`` comes before ``/threads/{id}``.
ROUTES: Final[tuple[tuple[str, str, _Handler], ...]] = (
    ("POST", "/v1/assistants", create_assistant),
    ("GET", "/v1/assistants", list_assistants),
    ("GET", "/v1/assistants/{assistant_id}", get_assistant),
    ("POST", "/v1/assistants/{assistant_id}", modify_assistant),
    ("DELETE", "/v1/assistants/{assistant_id}", delete_assistant),
    ("POST", "/v1/threads/runs", create_thread_and_run),
    ("POST", "/v1/threads", create_thread),
    ("GET", "/v1/threads/{thread_id}", get_thread),
    ("POST", "/v1/threads/{thread_id}", modify_thread),
    ("DELETE", "/v1/threads/{thread_id}", delete_thread),
    ("POST", "/v1/threads/{thread_id}/messages", create_message),
    ("GET", "/v1/threads/{thread_id}/messages", list_messages),
    ("GET", "/v1/threads/{thread_id}/messages/{message_id}", get_message),
    ("POST", "/v1/threads/{thread_id}/messages/{message_id}", modify_message),
    ("DELETE", "/v1/threads/{thread_id}/messages/{message_id}", delete_message),
    ("POST", "/v1/threads/{thread_id}/runs", create_run),
    ("GET", "/v1/threads/{thread_id}/runs", list_runs),
    ("GET", _RUN, get_run),
    ("POST", _RUN, modify_run),
    ("POST", _RUN + "/cancel", cancel_run),
    ("POST", _RUN + "/submit_tool_outputs", submit_tool_outputs),
    ("GET", _RUN + "/steps", list_steps),
    ("GET", _RUN + "/steps/{step_id}", get_step),
)


def add_routes(app: web.Application, server: AssistantServer) -> None:
    """Add every route of ``ROUTES`` to ``app``, bound to ``server``."""

    def bind(handler: _Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def route(request: web.Request) -> web.StreamResponse:
            call = await _admit(server, request)
            if isinstance(call, web.Response):
                return call
            return await handler(server, request, call)

        return route

    for method, path, handler in ROUTES:
        app.router.add_route(method, server.root + path.removeprefix("/v1"), bind(handler))
