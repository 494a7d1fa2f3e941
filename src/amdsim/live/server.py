"""Serving a live session: the engine's thread and uvicorn's, started and stopped together."""

from __future__ import annotations

import socket
import threading

import uvicorn

from amdsim.live.app import make_app
from amdsim.live.session import Session

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class LiveServer:
    """The engine thread of ``session`` plus uvicorn on ``host:port`` (0: a free port).

    ``token``: an access token every request must carry (given for a host other than loopback).
    ``exit_when_done``: stop serving once the session has written its run folder (``--approve auto``).
    """

    def __init__(self, session: Session, host: str = "127.0.0.1", port: int = 0, token: str | None = None,
                 exit_when_done: bool = False) -> None:
        self.session = session
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.host, self.port = host, int(self.sock.getsockname()[1])
        self.token = token
        names = {host, "localhost", "127.0.0.1"} if host in LOOPBACK else {host}
        origins = tuple(f"http://{n}:{self.port}" for n in sorted(names))
        app = make_app(session, token=token, origins=origins)
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws_max_size=4096, lifespan="off"))
        self.stop_engine = threading.Event()
        self.exit_when_done = exit_when_done
        self.engine = threading.Thread(target=self._engine, name="amdsim-live-engine", daemon=True)
        self.http = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, name="amdsim-live-http",
                                     daemon=True)

    @property
    def url(self) -> str:
        h = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{h}:{self.port}/" + (f"?token={self.token}" if self.token else "")

    def start(self) -> LiveServer:
        """Serve the consoles and start the engine."""
        return self.start_http().start_engine()

    def start_http(self) -> LiveServer:
        """Serve the consoles (the engine waits at t = 0 until :meth:`start_engine`)."""
        self.http.start()
        while not self.server.started and self.http.is_alive():
            self.http.join(0.02)
        return self

    def start_engine(self) -> LiveServer:
        self.engine.start()
        return self

    def _engine(self) -> None:
        try:
            self.session.run(self.stop_engine)
        finally:
            if self.exit_when_done:
                self.server.should_exit = True

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C, or the session's end with ``exit_when_done``)."""
        while self.http.is_alive():
            self.http.join(0.2)

    def stop(self) -> None:
        """Stop the engine (the run folder is written if the session got that far) and the server."""
        self.stop_engine.set()
        if self.engine.is_alive():
            self.engine.join()
        self.server.should_exit = True
        self.http.join(5.0)
        self.sock.close()
