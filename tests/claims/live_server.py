"""A real uvicorn on a loopback port, for claims about what a server does and what a client sees.

    with live_server(app) as server:
        httpx.get(server.url + "/status")
        assert "Application startup complete." in server.messages()

The server runs in a thread (`uvicorn.Server.serve` on its own event loop) on a socket bound to
127.0.0.1 port 0, so the kernel picks a free port and nothing races for it. Uvicorn installs no
signal handlers outside the main thread. Leaving the block asks the server to exit and joins the
thread; a server that does not stop within `STOP_S` fails the test instead of hanging it.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import uvicorn

START_S = 10.0  # startup takes milliseconds; 10 s only matters on a machine that is stuck
STOP_S = 10.0
WAIT_S = 5.0


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class LiveServer:
    host: str
    port: int
    server: uvicorn.Server
    _logs: _Collect = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def messages(self) -> list[str]:
        """Everything uvicorn's loggers (uvicorn.error, uvicorn.access) said so far."""
        return [record.getMessage() for record in list(self._logs.records)]

    def wait_for(
        self, predicate: Callable[[logging.LogRecord], object], count: int = 1
    ) -> list[logging.LogRecord]:
        """The log records that match, once COUNT of them arrived (or after WAIT_S): uvicorn logs
        an access line or a task's exception after the client already has its response."""
        deadline = time.monotonic() + WAIT_S
        while True:
            found = [record for record in list(self._logs.records) if predicate(record)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.01)


@contextlib.contextmanager
def live_server(app, **config) -> Iterator[LiveServer]:
    """Serve APP with uvicorn on 127.0.0.1 (a free port) for the duration of the block.

    CONFIG goes to uvicorn.Config (lifespan="on", proxy_headers=False, ...). Logging is left to
    the standard logging tree (log_config=None) and collected from the "uvicorn" logger.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()

    logs = _Collect()
    logger = logging.getLogger("uvicorn")
    old_level = logger.level
    logger.addHandler(logs)
    logger.setLevel(logging.INFO)

    config.setdefault("log_config", None)
    server = uvicorn.Server(uvicorn.Config(app, **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_S
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"uvicorn stopped during startup: {[*map(str, logs.records)]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not start within {START_S} s")
            time.sleep(0.01)
        yield LiveServer(host, port, server, logs)
    finally:
        server.should_exit = True
        thread.join(STOP_S)
        sock.close()
        logger.removeHandler(logs)
        logger.setLevel(old_level)
        if thread.is_alive():
            raise TimeoutError(f"uvicorn did not stop within {STOP_S} s")
