"""HTTP server of the web replay viewer (``amdsim view``).

Serves only (a) the viewer's static page (``viewer/static/``), (b) three whitelisted npm packages
from ``viewer/node_modules/`` (leaflet, topojson-client, world-atlas) and (c) the run folder's data
through a small JSON API:

``/api/run`` (summary, movers, sensors, replications), ``/api/states?rep=k``, ``/api/events?rep=k``,
``/api/tracks?rep=k``, ``/api/engagements?rep=k``, ``/api/magazines?rep=k`` (rounds per launcher over
time; ``{}`` for a run folder written before magazines were recorded), ``/api/replications``.

Hardening: binds 127.0.0.1 by default; only GET and HEAD (others 405); request line capped at
``MAX_URL`` bytes (414) and headers at ``MAX_HEADERS`` lines / ``MAX_HEADER_BYTES`` (431); static
paths are resolved and must stay inside their root after symlinks are followed (``../``,
``%2e%2e``, absolute paths, symlinks pointing out -> 404/400); errors are short text, never a
traceback; sockets time out after ``TIMEOUT_S``.
"""

from __future__ import annotations

import json
import math
import mimetypes
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

from amdsim.core.errors import InputError
from amdsim.review.data import check_folder, load_summary, load_table, replication_dirs

VIEWER_DIR = Path(__file__).resolve().parent / "viewer"
STATIC_DIR = VIEWER_DIR / "static"
NODE_MODULES = VIEWER_DIR / "node_modules"
NPM_PACKAGES = ("leaflet", "topojson-client", "world-atlas")
MAX_URL = 2048
MAX_HEADERS = 64
MAX_HEADER_BYTES = 8192
TIMEOUT_S = 10.0
API_TABLES = ("states", "events", "tracks", "engagements", "detections", "magazines")


def _clean(value):
    """JSON-safe column: NaN/inf -> None, numpy -> Python."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            out = value.astype(object)
            out[~np.isfinite(value)] = None
            return [None if v is None else float(v) for v in out]
        return value.tolist()
    return [None if isinstance(v, float) and not math.isfinite(v) else v for v in value]


class RunData:
    """Cached JSON bodies of one run or batch folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = check_folder(folder)
        self.reps = replication_dirs(self.folder)
        self._cache: dict[tuple[str, int], bytes] = {}
        self._lock = threading.Lock()

    def body(self, name: str, rep: int) -> bytes:
        key = (name, rep)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = json.dumps(self._build(name, rep), separators=(",", ":")).encode()
            return self._cache[key]

    def _build(self, name: str, rep: int):
        run = self.reps[rep]
        if name == "replications":
            return [{"index": i, "name": p.name} for i, p in enumerate(self.reps)]
        if name == "run":
            return {"name": self.folder.name, "summary": load_summary(run), "replications": len(self.reps),
                    "movers": {k: _clean(v) for k, v in load_table(run, "movers").items()},
                    "sensors": {k: _clean(v) for k, v in load_table(run, "sensors").items()}}
        return {k: _clean(v) for k, v in load_table(run, name).items()}


def _inside(root: Path, rel: str) -> Path | None:
    """The file ``root/rel`` if it exists and resolves inside ``root`` (symlinks followed), else None."""
    if not rel or "\0" in rel or rel.startswith(("/", "\\")) or "\\" in rel:
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


class ViewerHandler(BaseHTTPRequestHandler):
    """GET/HEAD only; static assets and the JSON API."""

    server_version = "amdsim-view"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = TIMEOUT_S
    data: RunData  # set on the subclass made by make_server

    def log_message(self, format, *args):
        pass

    # request parsing with size caps -------------------------------------------------------------
    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(MAX_URL + 1)
            if len(self.raw_requestline) > MAX_URL:
                self.requestline, self.request_version, self.command = "", "HTTP/1.1", ""
                self.close_connection = True
                self._send_error(HTTPStatus.REQUEST_URI_TOO_LONG, "request line too long")
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            if sum(len(k) + len(v) for k, v in self.headers.items()) > MAX_HEADER_BYTES:
                self.close_connection = True
                self._send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers too large")
                return
            method = getattr(self, f"do_{self.command}", None) if self.command in ("GET", "HEAD") else None
            if method is None:
                self.close_connection = True
                self._send_error(HTTPStatus.METHOD_NOT_ALLOWED, "only GET and HEAD", allow=True)
                return
            method()
            self.wfile.flush()
        except TimeoutError:
            self.close_connection = True
        except (ConnectionError, OSError):
            self.close_connection = True

    def send_error(self, code, message=None, explain=None):
        # used by parse_request for malformed lines / too many headers: short text, close
        self.close_connection = True
        self.request_version = "HTTP/1.1"  # a status line even for lines that parse as HTTP/0.9
        status = HTTPStatus(code) if code in HTTPStatus._value2member_map_ else HTTPStatus.BAD_REQUEST
        self._send_error(status, "malformed request" if status == HTTPStatus.BAD_REQUEST else status.phrase.lower())

    def _send_error(self, status: HTTPStatus, text: str, allow: bool = False) -> None:
        body = f"{int(status)} {status.phrase}: {text}\n".encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            if allow:
                self.send_header("Allow", "GET, HEAD")
            self.end_headers()
            if getattr(self, "command", "") != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass

    def _send(self, body: bytes, ctype: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # routing ------------------------------------------------------------------------------------
    def do_GET(self):
        try:
            self._route()
        except OSError:
            self.close_connection = True
        except Exception:  # never a traceback to the client
            self.close_connection = True
            self._send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "could not serve this request")

    do_HEAD = do_GET  # noqa: N815

    def _route(self) -> None:
        raw = self.path
        if not raw.startswith("/"):
            self._send_error(HTTPStatus.BAD_REQUEST, "path must start with /")
            return
        try:
            split = urllib.parse.urlsplit(raw)
            path = urllib.parse.unquote(split.path, errors="strict") if "%" in split.path else split.path
            query = urllib.parse.parse_qs(split.query, max_num_fields=8)
        except ValueError:  # bad percent-encoding, non-UTF-8 bytes, too many query fields
            self._send_error(HTTPStatus.BAD_REQUEST, "malformed URL")
            return
        if path in ("/", "/index.html"):
            path = "/static/index.html"
        if path.startswith("/api/"):
            self._api(path[5:], query)
        elif path.startswith("/static/"):
            self._file(STATIC_DIR, path[len("/static/"):])
        elif path.startswith("/vendor/"):
            rel = path[len("/vendor/"):]
            if rel.split("/", 1)[0] not in NPM_PACKAGES:
                self._send_error(HTTPStatus.NOT_FOUND, "not found")
            elif not NODE_MODULES.is_dir():
                self._send_error(HTTPStatus.SERVICE_UNAVAILABLE, "viewer assets missing: run "
                                 "`npm --prefix src/amdsim/review/viewer ci`")
            else:
                self._file(NODE_MODULES, rel)
        else:
            self._send_error(HTTPStatus.NOT_FOUND, "not found")

    def _api(self, name: str, query: dict) -> None:
        names = ("run", "replications", *API_TABLES)
        if name not in names:
            self._send_error(HTTPStatus.NOT_FOUND, f"unknown API; one of /api/{', /api/'.join(names)}")
            return
        rep_text = query.get("rep", ["0"])[0]
        if not rep_text.isdigit() or int(rep_text) >= len(self.data.reps):
            self._send_error(HTTPStatus.BAD_REQUEST, f"rep must be an integer 0..{len(self.data.reps) - 1}")
            return
        self._send(self.data.body(name, int(rep_text)), "application/json")

    def _file(self, root: Path, rel: str) -> None:
        target = _inside(root, rel)
        if target is None:
            self._send_error(HTTPStatus.NOT_FOUND, "not found")
            return
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".json":
            ctype = "application/json"
        if ctype.startswith("text/") or ctype.endswith("javascript"):
            ctype += "; charset=utf-8"
        self._send(target.read_bytes(), ctype)


class ViewerServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def make_server(folder: str | Path, host: str = "127.0.0.1", port: int = 0) -> ViewerServer:
    """A (not yet serving) viewer server for a run or batch folder; ``port`` 0 picks a free port."""
    data = RunData(Path(folder))
    handler = type("BoundViewerHandler", (ViewerHandler,), {"data": data})
    try:
        return ViewerServer((host, port), handler)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", file="--port") from None


def viewer_assets_missing() -> str | None:
    """A message if the npm packages the page needs are not installed, else None."""
    missing = [p for p in NPM_PACKAGES if not (NODE_MODULES / p).is_dir()]
    if missing:
        return (f"viewer assets missing ({', '.join(missing)} not in {NODE_MODULES}); "
                "run `npm --prefix src/amdsim/review/viewer ci` (or `make setup`)")
    return None


def serve(folder: str | Path, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the viewer until Ctrl-C, printing its URL."""
    import sys

    server = make_server(folder, host, port)
    msg = viewer_assets_missing()
    if msg:
        print(f"amdsim view: {msg}", file=sys.stderr)
    h, p = server.server_address[:2]
    if isinstance(h, bytes | bytearray):  # typeshed allows a bytes host; an IP socket reports str
        h = h.decode()
    print(f"amdsim viewer of {Path(folder)}: http://{h}:{p}/  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
