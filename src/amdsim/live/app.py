"""The live exercise's web server: console pages and one WebSocket per console (Starlette on uvicorn).

Routes: ``/`` (the consoles to choose from), ``/console?force=NAME`` (a force's operator console),
``/control`` (exercise control), ``/static/*`` (the pages' scripts), ``/vendor/*`` (the viewer's
Leaflet, topojson-client and world-atlas land, offline), ``/ws?force=NAME`` or ``/ws?control=1`` (the push and the commands).

Hardening: the WebSocket's Origin must be this server's own; with a host other than loopback every
request needs the access token printed at start (``?token=``); a client message is at most
``MAX_MESSAGE`` bytes and ``MAX_RATE`` per second (else the socket is closed), the push at most
``PUSH_HZ`` per second; a force console answers only its own force's proposals; errors reach the
client as a short text, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from amdsim.core.kinds import BLUE
from amdsim.live.session import Session

STATIC_DIR = Path(__file__).resolve().parent / "static"
NODE_MODULES = Path(__file__).resolve().parents[1] / "review" / "viewer" / "node_modules"
LEAFLET_DIR = NODE_MODULES / "leaflet" / "dist"
#: Largest console message accepted (bytes).
MAX_MESSAGE = 2048
#: Console messages accepted per second (a burst of this many, refilled at this rate).
MAX_RATE = 20.0
#: Pushes per second at most, per console.
PUSH_HZ = 10.0
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'")
log = logging.getLogger("amdsim.live")


def make_app(session: Session, *, token: str | None = None, origins: tuple[str, ...] = ()) -> Starlette:
    """The ASGI app of ``session``. ``token``: required on every request when set (non-loopback host);
    ``origins``: the Origin values a WebSocket may come from (this server's own addresses)."""
    cs = session.cs
    blue = {cs.force_names[f]: f for f in range(len(cs.force_names)) if cs.force_side[f] == BLUE}

    def allowed(params) -> bool:
        return token is None or hmac.compare_digest(str(params.get("token", "")), token)

    def page(name: str):
        async def endpoint(request: Request) -> Response:
            if not allowed(request.query_params):
                return PlainTextResponse("access token required: open the address printed at start", 403)
            if name == "console.html" and request.query_params.get("force") not in blue:
                return PlainTextResponse(f"choose a force: {', '.join(blue)}", 404)
            return FileResponse(STATIC_DIR / name, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"})
        return endpoint

    async def index(request: Request) -> Response:
        if not allowed(request.query_params):
            return PlainTextResponse("access token required: open the address printed at start", 403)
        tok = f"&token={token}" if token else ""
        links = "".join(f'<li><a href="/console?force={n}{tok}">{n} operator console</a></li>' for n in blue)
        body = (f"<!doctype html><meta charset=utf-8><title>amdsim live: {cs.name}</title>"
                f"<h1>amdsim live: {cs.name}</h1><ul>{links}"
                f'<li><a href="/control?{tok.lstrip("&")}">exercise control</a></li></ul>')
        return HTMLResponse(body, headers={"Content-Security-Policy": CSP})

    async def socket(ws: WebSocket) -> None:
        origin = ws.headers.get("origin", "")
        force_name = ws.query_params.get("force")
        control = ws.query_params.get("control") == "1"
        if not allowed(ws.query_params) or origin not in origins or (not control and force_name not in blue):
            await ws.close(code=1008)   # policy violation: wrong origin, token or console
            return
        await ws.accept()
        force = None if control else blue[str(force_name)]
        console = "control" if control else f"{force_name}"
        pusher = asyncio.create_task(_push(ws, session, force))
        try:
            await _listen(ws, session, console, force)
        except WebSocketDisconnect:
            pass
        except Exception:   # logged here, never sent: the client gets a close code only
            log.exception("console %s", console)
            await _close(ws, 1011)
        finally:
            pusher.cancel()

    async def not_found(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("not found", 404)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("request %s failed: %s", request.url.path, exc)
        return PlainTextResponse("internal error", 500)

    routes = [Route("/", index), Route("/console", page("console.html")), Route("/control", page("control.html")),
              Mount("/static", StaticFiles(directory=STATIC_DIR)),
              Mount("/vendor/leaflet", StaticFiles(directory=LEAFLET_DIR)),
              Mount("/vendor/topojson-client", StaticFiles(directory=NODE_MODULES / "topojson-client" / "dist")),
              Mount("/vendor/world-atlas", StaticFiles(directory=NODE_MODULES / "world-atlas")),
              WebSocketRoute("/ws", socket)]
    return Starlette(routes=routes, exception_handlers={404: not_found, 500: server_error})


async def _push(ws: WebSocket, session: Session, force: int | None) -> None:
    """Send the console's view after each published step, at most ``PUSH_HZ`` a second."""
    seen = -1
    try:
        while True:
            t0 = time.monotonic()
            version = await asyncio.to_thread(session.wait_change, seen, 1.0)
            if version != seen:
                seen = version
                view = dict(session.view(force))
                view["sent"] = time.time() * 1000.0
                await ws.send_text(json.dumps({"type": "view", "view": view}, separators=(",", ":")))
            await asyncio.sleep(max(0.0, 1.0 / PUSH_HZ - (time.monotonic() - t0)))
    except (WebSocketDisconnect, RuntimeError, asyncio.CancelledError):
        return


async def _listen(ws: WebSocket, session: Session, console: str, force: int | None) -> None:
    """Take the console's commands: size and rate bounded; force consoles answer proposals only."""
    tokens, last = MAX_RATE, time.monotonic()
    while True:
        text = await ws.receive_text()
        now = time.monotonic()
        tokens = min(MAX_RATE, tokens + (now - last) * MAX_RATE)
        last = now
        if len(text.encode()) > MAX_MESSAGE:
            await _close(ws, 1009)   # message too big
            return
        if tokens < 1.0:
            await _close(ws, 1008)   # too many messages
            return
        tokens -= 1.0
        error = _command(session, console, force, text)
        await ws.send_text(json.dumps({"type": "ack", "ok": error is None, "error": error}))


def _command(session: Session, console: str, force: int | None, text: str) -> str | None:
    """Validate one console message and queue it; the reason it was refused, or None."""
    try:
        msg = json.loads(text)
    except ValueError:
        return "not JSON"
    if not isinstance(msg, dict) or not isinstance(msg.get("what"), str):
        return "a command is an object with a 'what'"
    what = msg["what"]
    if force is not None:    # an operator console: its own force's proposals only
        if what not in ("approve", "deny") or not isinstance(msg.get("proposal"), int):
            return "an operator console approves or denies a proposal"
        return session.command(console, what, force, int(msg["proposal"]))
    if what in ("approve", "deny"):
        return "exercise control does not answer proposals"
    value = msg.get("value")
    if value is not None and not isinstance(value, int | float):
        return "value must be a number"
    names = session.cs.force_names
    f = names.index(msg["force"]) if isinstance(msg.get("force"), str) and msg["force"] in names else -1
    arg = msg.get("arg", "")
    if not isinstance(arg, str) or len(arg) > 100:
        return "arg must be a short text"
    return session.command(console, what, f, arg=arg, value=None if value is None else float(value))


async def _close(ws: WebSocket, code: int) -> None:
    with contextlib.suppress(RuntimeError):   # already closed by the client
        await ws.close(code=code)
