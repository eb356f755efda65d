"""Running the web app with uvicorn: in the foreground (``fadecast serve``) or, for a
browser test, a screenshot or a benchmark, in a thread on a free loopback port."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

from fastapi import FastAPI

__all__ = ["running_server"]

#: Longest wait for the server to start or stop. [s]
START_TIMEOUT_S = 20.0


@contextlib.contextmanager
def running_server(app: FastAPI, *, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` in a background thread on a free port of ``host`` while inside.

    Parameters
    ----------
    app
        The app (:func:`fadecast.web.create_app`).
    host
        A loopback address: the server is for this machine only.

    Yields
    ------
    str
        The server's base URL, such as ``http://127.0.0.1:41234``.

    Raises
    ------
    RuntimeError
        If the server does not start within :data:`START_TIMEOUT_S`.

    Examples
    --------
    >>> import urllib.request
    >>> from fadecast.web import WebSettings, create_app
    >>> with running_server(create_app(WebSettings())) as url:
    ...     with urllib.request.urlopen(url + "/static/app.css") as response:
    ...         response.status
    200
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", ws="none", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the web server did not start on {host}:{port}")
            time.sleep(0.02)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(START_TIMEOUT_S)
        sock.close()
