"""An HTTP request corpus against the real viewer server (uvicorn + Starlette) on 127.0.0.1, through raw
sockets: Host variants (DNS rebinding), bodies on GET, absolute-form targets (RFC 9112 section 3.2.2),
percent-encodings, oversized headers, path traversal (issue 17, "The viewer")."""

from __future__ import annotations

import json
import re
import socket

import pytest

from amdsim.review.server import BodyCache, RunData, allowed_host_names, build_app
from tests.conftest import serve_folder


@pytest.fixture(scope="module")
def server(run_dir):
    yield from serve_folder(run_dir)


def exchange(srv, request: bytes, first_s: float = 60.0, quiet_s: float = 3.0) -> bytes:
    """Send ``request`` as is; read until the server closes, or is quiet for ``quiet_s`` after answering
    (a kept-alive connection; a second response would follow within that time)."""
    with socket.create_connection(srv.server_address[:2], timeout=first_s) as s:
        s.sendall(request)
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
                s.settimeout(quiet_s)
        except TimeoutError:
            pass
    return out


def statuses(resp: bytes) -> list[int]:
    return [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", resp)]


def get(target: str | bytes, host: bytes | None = b"127.0.0.1:{port}", extra: bytes = b"", close: bool = True,
        method: bytes = b"GET") -> bytes:
    t = target.encode() if isinstance(target, str) else target
    lines = [method + b" " + t + b" HTTP/1.1"]
    if host is not None:
        lines.append(b"Host: " + host)
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n" + extra + b"\r\n"


BODY_REQ = b"GET /api/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
CORPUS = [
    # Host: the loopback names with or without the port; anything else is a rebinding attempt
    ("host ip:port", get("/api/replications"), {200}),
    ("host localhost:port", get("/api/replications", b"localhost:{port}"), {200}),
    ("host LOCALHOST upper case", get("/api/replications", b"LOCALHOST:{port}"), {200}),
    ("host [::1]:port", get("/api/replications", b"[::1]:{port}"), {200}),
    ("host ip without port", get("/api/replications", b"127.0.0.1"), {200}),
    ("host evil name", get("/api/replications", b"evil.example"), {421}),
    ("host evil name:port", get("/api/run", b"evil.example:{port}"), {421}),
    ("host loopback-looking suffix", get("/api/run", b"127.0.0.1.evil.example:{port}"), {421}),
    ("host userinfo trick", get("/api/run", b"127.0.0.1:{port}@evil.example"), {421}),
    ("host other port", get("/api/run", b"127.0.0.1:1"), {421}),
    ("no host", get("/api/run", None), {400}),
    ("two hosts", get("/api/run", extra=b"Host: evil.example\r\n"), {400}),
    # absolute-form: accepted, and its authority (not the Host header) is the host checked
    ("absolute-form", get("http://127.0.0.1:{port}/api/replications"), {200}),
    ("absolute-form localhost", get("http://localhost:{port}/static/index.html"), {200}),
    ("absolute-form evil authority", get("http://evil.example/api/run", b"127.0.0.1:{port}"), {421}),
    ("absolute-form other scheme", get("ftp://127.0.0.1:{port}/api/run"), {400}),
    # a body on a GET is read and dropped, never parsed as a second request
    ("GET with body", get("/api/replications", close=False,
                          extra=b"Content-Length: %d\r\n" % len(BODY_REQ)) + BODY_REQ, {200}),
    ("GET with chunked body", get("/api/replications", close=False, extra=b"Transfer-Encoding: chunked\r\n")
     + b"%x\r\n" % len(BODY_REQ) + BODY_REQ + b"\r\n0\r\n\r\n", {200}),
    ("pipelined GETs", get("/api/replications", close=False) + get("/api/replications"), [200, 200]),
    # percent-encodings and query values: 400, never 500
    ("rep superscript two", get("/api/states?rep=%C2%B2"), {400}),
    ("rep arabic-indic digit", get("/api/states?rep=%D9%A0"), {400}),
    ("rep percent zero", get("/api/states?rep=%30"), {200}),
    ("rep negative", get("/api/states?rep=-1"), {400}),
    ("rep float", get("/api/events?rep=1e3"), {400}),
    ("rep huge", get("/api/events?rep=99999999999999999999"), {400}),
    ("rep empty", get("/api/events?rep="), {400}),
    ("rep bad utf-8", get("/api/events?rep=%ff"), {400}),
    ("rep bad escape", get("/api/events?rep=%%%%"), {400}),
    ("columns", get("/api/states?rep=0&columns=time_s,lat_deg"), {200}),
    ("unknown column", get("/api/states?rep=0&columns=time_s,secret"), {400}),
    ("column injection", get("/api/states?rep=0&columns=..%2F..%2Fx"), {400}),
    ("unknown api", get("/api/secrets"), {404}),
    ("nul in path", get("/api/%00"), {404}),
    ("bad utf-8 path", get("/static/%ff"), {404}),
    ("raw non-ascii target", get(b"/static/\xff"), {400, 404}),
    # path traversal
    ("dot-dot", get("/static/../../server.py"), {404}),
    ("encoded dot-dot", get("/static/%2e%2e/%2e%2e/server.py"), {404}),
    ("encoded slashes", get("/static/%2E%2E%2F%2E%2E%2Fserver.py"), {404}),
    ("backslashes", get("/static/..%5c..%5cserver.py"), {404}),
    ("vendor escape", get("/vendor/leaflet/../../../server.py"), {404}),
    ("vendor not whitelisted", get("/vendor/commander/package.json"), {404}),
    ("double slash", get("//etc/passwd"), {404}),
    ("absolute in static", get("/static/%2fetc%2fpasswd"), {404}),
    ("static ok", get("/static/app.js"), {200}),
    # methods and sizes
    ("HEAD", get("/", method=b"HEAD"), {200}),
    ("POST", get("/api/run", method=b"POST", extra=b"Content-Length: 1\r\n") + b"x", {405}),
    ("PUT", get("/api/run", method=b"PUT", extra=b"Content-Length: 0\r\n"), {405}),
    ("OPTIONS", get("*", method=b"OPTIONS"), {405}),
    ("TRACE", get("/", method=b"TRACE"), {405}),
    ("long target", get("/" + "a" * 5000), {414}),
    ("very long target", get("/" + "a" * 60000), {400, 414}),
    ("many headers", get("/", extra=b"".join(b"X-%d: v\r\n" % i for i in range(200))), {431}),
    ("large headers", get("/", extra=b"".join(b"X-%d: %s\r\n" % (i, b"v" * 200) for i in range(60))), {431}),
    ("one huge header", get("/", extra=b"X-Big: " + b"v" * 40000 + b"\r\n"), {400, 431}),
    ("TLS hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n", {400}),
    ("HTTP/0.9 line", b"GET /\r\n\r\n", {400}),
]


@pytest.mark.parametrize(("name", "request_bytes", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_request_corpus(server, name, request_bytes, expected):
    port = str(server.server_address[1]).encode()
    resp = exchange(server, request_bytes.replace(b"{port}", port))
    got = statuses(resp)
    if isinstance(expected, list):       # this exact sequence of responses
        assert got == expected, (name, resp[:300])
    else:                                # exactly one response, with one of these statuses
        assert len(got) == 1 and got[0] in expected, (name, resp[:300])
    assert b"Traceback" not in resp and b"File \"" not in resp


def test_every_response_carries_the_security_headers(server):
    port = str(server.server_address[1]).encode()
    resp = exchange(server, get("/api/run").replace(b"{port}", port)).lower()
    assert b"x-content-type-options: nosniff" in resp and b"content-security-policy:" in resp
    assert b"server:" not in resp


def _fetch(app, target: str) -> tuple[int, dict, bytes]:
    """GET ``target`` from ``app`` served by uvicorn on 127.0.0.1 (http.client undoes the chunking)."""
    import http.client
    import threading

    from amdsim.review.server import ViewerServer

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    srv = ViewerServer(app, sock)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=30)
        conn.request("GET", target)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        srv.shutdown()
        srv.server_close()


def test_large_tables_stream_and_equal_the_cached_body(run_dir):
    s1, h1, cached = _fetch(build_app(run_dir), "/api/states?rep=0")
    s2, h2, streamed = _fetch(build_app(run_dir, stream_bytes=0), "/api/states?rep=0")
    assert s1 == s2 == 200
    assert "content-length" in h1 and h2.get("transfer-encoding") == "chunked"
    assert json.loads(streamed) == json.loads(cached)
    assert len(json.loads(cached)["time_s"]) > 100


def test_cache_is_bounded_least_recently_used(batch_dir):
    """Browsing replications keeps at most ``cache_bytes`` of bodies (RSS grew ~6 MB per replication)."""
    data = RunData(batch_dir, cache_bytes=1)
    one = data.table("states", 0, None)
    assert isinstance(one, bytes) and len(data.cache) == 0          # larger than the whole cache: not kept
    size = len(one)
    data = RunData(batch_dir, cache_bytes=int(1.5 * size))
    for rep in (0, 1, 0, 1):
        data.table("states", rep, None)
        assert data.cache.n_bytes <= data.cache.max_bytes and len(data.cache) == 1
    c = BodyCache(10)
    c.put(("a",), b"12345")
    c.put(("b",), b"12345")
    assert c.get(("a",)) is not None      # a is now the most recent
    c.put(("c",), b"12345")
    assert c.get(("b",)) is None and c.get(("a",)) == b"12345" and c.n_bytes == 10


def test_allowed_host_names():
    names = allowed_host_names("127.0.0.1", 8765, ("Viewer.LAN",))
    assert {"127.0.0.1", "127.0.0.1:8765", "localhost:8765", "[::1]:8765", "viewer.lan", "viewer.lan:8765"} <= names
    assert "evil.example:8765" not in names and "127.0.0.1:8766" not in names
    wide = allowed_host_names("0.0.0.0", 8765)
    assert "0.0.0.0:8765" not in wide and "localhost" in wide           # binding all answers loopback names only
    assert "[::1]:9" in allowed_host_names("::1", 9)
