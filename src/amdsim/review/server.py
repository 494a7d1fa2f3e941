"""HTTP server of the web replay viewer (``amdsim view``): a Starlette app on uvicorn.

:func:`build_app` makes the ASGI app of a run or batch folder (reusable: the live-exercise consoles
build on the same stack); :func:`make_server` binds it on a socket; :func:`serve` runs it until Ctrl-C.

The app serves only (a) the viewer's static page (``viewer/static/``), (b) three whitelisted npm
packages (leaflet, topojson-client, world-atlas) from the folder :mod:`amdsim.review.assets` finds (the
wheel's ``viewer/vendor/``, else ``viewer/node_modules/``; 503 with the fix when neither has them) and (c) the run
folder's data through a small JSON API:

``/api/run`` (summary, movers, sensors, replications, per-replication time span and bounds),
``/api/states?rep=k``, ``/api/events?rep=k``, ``/api/tracks?rep=k``, ``/api/engagements?rep=k``,
``/api/detections?rep=k``, ``/api/magazines?rep=k`` (``{}`` for a run folder written before magazines
were recorded), ``/api/replications``. Tables are columnar JSON (``{"column": [values...]}``, NaN as
null); ``columns=a,b`` selects columns (the page asks for the few it draws).

Hardening (:class:`RequestGuard`, in front of every request):
- Host header: only ``127.0.0.1``, ``localhost`` and ``[::1]`` (with or without the bound port), the bound
  address and names given in ``allowed_hosts``; anything else gets 421 (a web page that rebinds its DNS
  name to 127.0.0.1 cannot read the run).
- Absolute-form request lines (``GET http://127.0.0.1:8765/api/run HTTP/1.1``) are accepted and their
  authority replaces the Host header (RFC 9112 section 3.2.2).
- Only GET and HEAD (405 with ``Allow``); the request target is capped at ``MAX_URL`` bytes (414) and
  the headers at ``MAX_HEADERS`` lines / ``MAX_HEADER_BYTES`` (431). A body sent with a GET is read and
  dropped by the HTTP parser (h11), never parsed as a second request.
- Query values are checked as text: ``rep`` must be ASCII digits in range, else 400 (never a 500).
- Static paths must resolve inside their root after symlinks (``../``, ``%2e%2e``, absolute paths,
  symlinks out -> 404); errors are short text, never a traceback.

Memory: the JSON bodies are kept in a least-recently-used cache bounded in bytes (``CACHE_BYTES``);
bodies larger than ``STREAM_BYTES`` are never cached but streamed column by column from the Parquet
table, so browsing many replications or one very large run keeps the server's memory bounded.
"""

from __future__ import annotations

import json
import mimetypes
import re
import socket
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from amdsim.core.errors import InputError
from amdsim.review.assets import NODE_MODULES as NODE_MODULES  # re-exported for the tests
from amdsim.review.assets import NPM_PACKAGES, assets_dir, assets_missing
from amdsim.review.data import check_folder, load_summary, replication_dirs

VIEWER_DIR = Path(__file__).resolve().parent / "viewer"
STATIC_DIR = VIEWER_DIR / "static"
MAX_URL = 2048
MAX_HEADERS = 64
MAX_HEADER_BYTES = 8192
TIMEOUT_S = 10.0
#: Bytes of JSON bodies kept in memory (least recently used evicted first).
CACHE_BYTES = 96 * 2**20
#: A body estimated above this many bytes is streamed, not cached.
STREAM_BYTES = 24 * 2**20
API_TABLES = ("states", "events", "tracks", "engagements", "detections", "magazines")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"),
    (b"cache-control", b"no-store"),
    (b"referrer-policy", b"no-referrer"),
]
_REP = re.compile(r"[0-9]{1,9}")
_COLUMN = re.compile(r"[a-z_][a-z0-9_]{0,63}")


# ---------------------------------------------------------------------------------------------
# JSON of a table


def column_json(values) -> bytes:
    """One column as a JSON array (NaN and infinities as null; numpy -> Python)."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind == "f":
            text = json.dumps(values.tolist())
            # only numbers and these three tokens can occur in a dumped list of floats
            return text.replace("-Infinity", "null").replace("Infinity", "null").replace("NaN", "null").encode()
        return json.dumps(values.tolist()).encode()
    return json.dumps([None if isinstance(v, float) and not np.isfinite(v) else v for v in values]).encode()


def table_chunks(run_dir: Path, name: str, columns: list[str] | None) -> Iterator[bytes]:
    """The columnar JSON of table ``name`` of a run folder, one column per chunk (streamable)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = run_dir / f"{name}.parquet"
    if not path.exists():
        yield b"{}"
        return
    pf = pq.ParquetFile(path)
    names = [c for c in pf.schema_arrow.names if columns is None or c in columns]
    yield b"{"
    for i, col in enumerate(names):
        arr = pf.read(columns=[col]).column(0)
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) or pa.types.is_dictionary(arr.type):
            values = arr.to_pylist()
        else:
            values = arr.to_numpy(zero_copy_only=False)
            if values.dtype == object:
                values = np.asarray(arr.to_pylist())
        yield (b"," if i else b"") + json.dumps(col).encode() + b":" + column_json(values)
        del arr, values
    yield b"}"


def table_columns(run_dir: Path, name: str) -> list[str]:
    import pyarrow.parquet as pq

    path = run_dir / f"{name}.parquet"
    return list(pq.ParquetFile(path).schema_arrow.names) if path.exists() else []


def estimated_json_bytes(run_dir: Path, name: str, n_columns: int | None) -> int:
    """A rough size of a table's JSON (about 12 bytes per value), to decide between cache and stream."""
    import pyarrow.parquet as pq

    path = run_dir / f"{name}.parquet"
    if not path.exists():
        return 2
    meta = pq.ParquetFile(path).metadata
    return 12 * meta.num_rows * (n_columns if n_columns is not None else meta.num_columns)


class BodyCache:
    """A thread-safe least-recently-used cache of response bodies, bounded in total bytes."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.n_bytes = 0
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.n_bytes -= len(old)
            self._items[key] = body
            self.n_bytes += len(body)
            while self.n_bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.n_bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)


class RunData:
    """The JSON API's data of one run or batch folder (bodies in a bounded LRU cache)."""

    def __init__(self, folder: Path, cache_bytes: int = CACHE_BYTES, stream_bytes: int = STREAM_BYTES) -> None:
        self.folder = check_folder(folder)
        self.reps = replication_dirs(self.folder)
        self.cache = BodyCache(cache_bytes)
        self.stream_bytes = stream_bytes

    def run_body(self) -> bytes:
        body = self.cache.get(("run",))
        if body is None:
            first = self.reps[0]
            parts = [b'{"name":', json.dumps(self.folder.name).encode(), b',"summary":',
                     json.dumps(load_summary(first)).encode(), b',"replications":', str(len(self.reps)).encode(),
                     b',"movers":', *table_chunks(first, "movers", None), b',"sensors":',
                     *table_chunks(first, "sensors", None), b"}"]
            body = b"".join(parts)
            self.cache.put(("run",), body)
        return body

    def replications_body(self) -> bytes:
        return json.dumps([{"index": i, "name": p.name} for i, p in enumerate(self.reps)],
                          separators=(",", ":")).encode()

    def table(self, name: str, rep: int, columns: list[str] | None) -> bytes | Iterator[bytes]:
        """The JSON of a table: bytes (cached) or, for a large one, an iterator of chunks (streamed)."""
        run = self.reps[rep]
        key = (name, rep, tuple(columns) if columns is not None else None)
        body = self.cache.get(key)
        if body is not None:
            return body
        if estimated_json_bytes(run, name, len(columns) if columns is not None else None) > self.stream_bytes:
            return table_chunks(run, name, columns)
        body = b"".join(table_chunks(run, name, columns))
        self.cache.put(key, body)
        return body


    def body(self, name: str, rep: int = 0) -> bytes:
        """The whole JSON body of ``/api/NAME?rep=REP`` (a streamed table joined)."""
        if name == "run":
            return self.run_body()
        if name == "replications":
            return self.replications_body()
        out = self.table(name, rep, None)
        return out if isinstance(out, bytes) else b"".join(out)


def _inside(root: Path, rel: str) -> Path | None:
    """The file ``root/rel`` if it exists and resolves inside ``root`` (symlinks followed), else None."""
    if not rel or "\0" in rel or rel.startswith(("/", "\\")) or "\\" in rel or "\ufffd" in rel:
        return None
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    root = root.resolve()
    try:
        target = (root / rel).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


# ---------------------------------------------------------------------------------------------
# the ASGI app


def _text(status: int, text: str, allow: bool = False):
    from http import HTTPStatus

    from starlette.responses import PlainTextResponse

    phrase = HTTPStatus(status).phrase
    headers = {"Connection": "close"} if status >= 400 else {}
    if allow:
        headers["Allow"] = "GET, HEAD"
    return PlainTextResponse(f"{status} {phrase}: {text}\n", status_code=status, headers=headers)


def allowed_host_names(host: str, port: int, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """Host header values the viewer answers: the loopback names and the bound address, each with and
    without ``port``, and ``extra`` names (lower case)."""
    names = set(LOOPBACK_NAMES) | {n.lower() for n in extra}
    if host not in ("0.0.0.0", "::", ""):
        names.add(f"[{host}]" if ":" in host and not host.startswith("[") else host)
    return frozenset(names | {f"{n}:{port}" for n in names})


class RequestGuard:
    """ASGI middleware in front of the viewer: absolute-form targets, the Host check, methods and sizes,
    and the security headers on every response (see the module docstring)."""

    def __init__(self, app, allowed_hosts: frozenset[str] | None) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = list(scope["headers"])
        problem = self._check(scope, headers)
        if problem is not None:
            await problem(scope, receive, send)
            return

        async def send_secure(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_secure)

    def _check(self, scope, headers):
        raw = scope.get("raw_path") or scope["path"].encode()
        if len(raw) + len(scope.get("query_string", b"")) > MAX_URL:
            return _text(414, "request target too long")
        if len(headers) > MAX_HEADERS or sum(len(k) + len(v) for k, v in headers) > MAX_HEADER_BYTES:
            return _text(431, "headers too large")
        if scope["method"] not in ("GET", "HEAD"):
            return _text(405, "only GET and HEAD", allow=True)
        target = scope["path"]
        if not target.startswith("/"):      # absolute-form (RFC 9112 3.2.2): its authority is the host
            try:
                split = urlsplit(raw.decode("ascii"))
            except (UnicodeDecodeError, ValueError):
                return _text(400, "malformed request target")
            if split.scheme.lower() != "http" or not split.netloc or not split.path.startswith("/"):
                return _text(400, "request target must be /path or http://host/path")
            from urllib.parse import unquote

            scope["path"] = unquote(split.path)
            scope["raw_path"] = split.path.encode("ascii")
            headers = [(k, v) for k, v in headers if k != b"host"] + [(b"host", split.netloc.encode("ascii"))]
            scope["headers"] = headers
        hosts = [v for k, v in headers if k == b"host"]
        if len(hosts) != 1:
            return _text(400, "exactly one Host header expected")
        if self.allowed_hosts is not None and hosts[0].decode("latin-1").lower() not in self.allowed_hosts:
            return _text(421, "this viewer answers only to 127.0.0.1, localhost or [::1] (see --allow-host)")
        return None


def build_app(folder: str | Path, allowed_hosts: frozenset[str] | None = None, *,
              cache_bytes: int = CACHE_BYTES, stream_bytes: int = STREAM_BYTES):
    """The viewer's ASGI app (Starlette) over a run or batch folder.

    ``allowed_hosts``: Host header values to answer (:func:`allowed_host_names`); None answers any (only
    for in-process test clients). The app's ``state.data`` is the folder's :class:`RunData`.
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    data = RunData(Path(folder), cache_bytes, stream_bytes)
    names = ("run", "replications", *API_TABLES)

    def json_response(body) -> Response:
        if isinstance(body, bytes):
            return Response(body, media_type="application/json")
        return StreamingResponse(body, media_type="application/json")

    def api(request):
        name = request.path_params["name"]
        if name not in names:
            return _text(404, f"unknown API; one of /api/{', /api/'.join(names)}")
        if name == "run":
            return json_response(data.run_body())
        if name == "replications":
            return json_response(data.replications_body())
        rep_text = request.query_params.get("rep", "0")
        if not _REP.fullmatch(rep_text) or int(rep_text) >= len(data.reps):
            return _text(400, f"rep must be an integer 0..{len(data.reps) - 1}")
        rep = int(rep_text)
        columns = None
        if "columns" in request.query_params:
            columns = request.query_params["columns"].split(",")
            known = table_columns(data.reps[rep], name)
            bad = [c for c in columns if not _COLUMN.fullmatch(c) or (known and c not in known)]
            if bad:
                return _text(400, f"unknown column(s) of {name}: {', '.join(bad)[:200]}")
        return json_response(data.table(name, rep, columns))

    def static_file(root: Path, rel: str):
        from starlette.responses import FileResponse

        target = _inside(root, rel)
        if target is None:
            return _text(404, "not found")
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".json":
            ctype = "application/json"
        if ctype.startswith("text/") or ctype.endswith("javascript"):
            ctype += "; charset=utf-8"
        return FileResponse(target, media_type=ctype)

    def index(request):
        return static_file(STATIC_DIR, "index.html")

    def static(request):
        return static_file(STATIC_DIR, request.path_params["path"])

    def vendor(request):
        rel = request.path_params["path"]
        if rel.split("/", 1)[0] not in NPM_PACKAGES:
            return _text(404, "not found")
        root = assets_dir()
        if root is None:
            return _text(503, assets_missing() or "viewer assets missing")
        return static_file(root, rel)

    async def not_found(request, exc):
        return _text(getattr(exc, "status_code", 404), "not found")

    async def server_error(request, exc):
        return _text(500, "could not serve this request")

    routes = [Route("/", index), Route("/index.html", index), Route("/api/{name}", api),
              Route("/static/{path:path}", static), Route("/vendor/{path:path}", vendor)]
    app = Starlette(routes=routes, middleware=[Middleware(RequestGuard, allowed_hosts=allowed_hosts)],
                    exception_handlers={404: not_found, 405: not_found, 500: server_error})
    app.state.data = data
    return app


# ---------------------------------------------------------------------------------------------
# the server


class ViewerServer:
    """uvicorn serving an app on a socket bound at construction (so ``server_address`` is known before
    serving, also for port 0). ``serve_forever`` blocks; ``shutdown`` (from another thread) stops it."""

    def __init__(self, app, sock: socket.socket) -> None:
        import uvicorn

        self.socket = sock
        self.server_address = sock.getsockname()
        self.app = app
        config = uvicorn.Config(app, http="h11", loop="asyncio", lifespan="off", log_level="warning",
                                access_log=False, server_header=False, timeout_keep_alive=int(TIMEOUT_S),
                                limit_concurrency=256, backlog=64,
                                h11_max_incomplete_event_size=MAX_URL + 2 * MAX_HEADER_BYTES)
        self._server = uvicorn.Server(config)
        self._done = threading.Event()

    def serve_forever(self) -> None:
        try:
            self._server.run(sockets=[self.socket])
        finally:
            self._done.set()

    def shutdown(self) -> None:
        self._server.should_exit = True
        self._done.wait(30)

    def server_close(self) -> None:
        self.socket.close()


def make_server(folder: str | Path, host: str = "127.0.0.1", port: int = 0,
                allow_hosts: tuple[str, ...] = ()) -> ViewerServer:
    """A (not yet serving) viewer server for a run or batch folder; ``port`` 0 picks a free port;
    ``allow_hosts``: Host names answered besides the loopback names and ``host``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", file="--port") from None
    sock.set_inheritable(True)
    bound_port = sock.getsockname()[1]
    app = build_app(folder, allowed_host_names(host.strip("[]"), bound_port, allow_hosts))
    return ViewerServer(app, sock)


def viewer_assets_missing() -> str | None:
    """A message if the npm packages the page needs are not found, else None (:mod:`.assets`)."""
    return assets_missing()


def serve(folder: str | Path, host: str = "127.0.0.1", port: int = 8765, allow_hosts: tuple[str, ...] = ()) -> None:
    """Serve the viewer until Ctrl-C, printing its URL."""
    import sys

    server = make_server(folder, host, port, allow_hosts)
    msg = viewer_assets_missing()
    if msg:
        print(f"amdsim view: {msg}", file=sys.stderr)
    h, p = server.server_address[:2]
    shown = f"[{h}]" if ":" in h else h
    print(f"amdsim viewer of {Path(folder)}: http://{shown}:{p}/  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
