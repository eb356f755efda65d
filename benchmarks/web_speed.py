"""Speed of the web app under a bounded load on loopback: the forecast endpoint beside
the same forecast in-process, and a cached result page.

The app (``fadecast serve``'s app, 2,000 draws) is served by uvicorn in a subprocess on a
free port of 127.0.0.1. Two clients (threads, each with its own keep-alive connection)
send a fixed count of requests between them:

- ``POST /api/v1/forecast`` of ``examples/temperate-office-worker.toml`` with a different
  seed each time, so no answer comes from the app's cache. The baseline, measured in the
  same run with the same two-thread concurrency and the same seeds, is
  ``fadecast.forecast`` of the parsed profile in this process. Target: the web layer costs
  at most 20 % over the computation (median latency web / in-process ≤ 1.2).
- ``GET /result?...`` of the calculator, the same query each time (cached after the first
  request). Target: at least 200 requests per second.

Run ``python benchmarks/web_speed.py``; it prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import queue
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import httpx
import numpy as np

from fadecast.inputs.profile import parse_profile
from harness import (
    EXAMPLE,
    TODAY,
    Row,
    Stats,
    fmt_ratio,
    fmt_time,
    forecast_functions,
    machine_facts,
    progress,
    results_table,
    verdict,
)

SAMPLES = 2000
CLIENTS = 2
FORECASTS = 40
PAGES = 400
MAX_RATIO = 1.2
MIN_PAGES_PER_S = 200.0
START_TIMEOUT_S = 60.0
#: The calculator's answers of the cached page (as its form sends them).
ANSWERS = {
    "birth_year": "1988",
    "skin": "2",
    "city": "Manchester",
    "weekday_hours": "1",
    "weekend_hours": "4",
    "hat": "25",
}
_SERVE = """
import datetime as dt, sys, uvicorn
from fadecast.runtime import keep_freed_memory
keep_freed_memory()  # as the command line sets it
from fadecast.web import WebSettings, create_app
settings = WebSettings(samples={samples}, today=dt.date.fromisoformat("{today}"))
uvicorn.run(create_app(settings), host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning", ws="none", access_log=False)
"""


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at the moment."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving() -> Iterator[str]:
    """The app served by uvicorn in a subprocess while inside; its base URL."""
    port = free_port()
    code = _SERVE.format(samples=SAMPLES, today=TODAY.isoformat())
    server = subprocess.Popen([sys.executable, "-c", code, str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the web server did not start on 127.0.0.1:{port}")
            try:
                if httpx.get(url + "/static/app.css", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def under_load(
    jobs: Sequence[Any], work: Callable[[Any, Any], None], make: Callable[[], Any]
) -> tuple[list[float], float]:
    """Run ``work(resource, job)`` for every job on :data:`CLIENTS` threads, each with
    its own ``make()`` resource; each job's latency and the wall time. [s]"""
    todo: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    latencies: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        resource = make()
        try:
            while True:
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    return
                start = time.perf_counter()
                work(resource, job)
                took = time.perf_counter() - start
                with lock:
                    latencies.append(took)
        finally:
            if isinstance(resource, httpx.Client):
                resource.close()

    start = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        for done in [pool.submit(client) for _ in range(CLIENTS)]:
            done.result()
    return latencies, time.perf_counter() - start


def p95(values: Sequence[float]) -> float:
    return float(np.quantile(np.asarray(values), 0.95))


def report(forecasts: int, pages: int) -> str:
    """Load the server and the in-process forecast; return the Markdown report."""
    tables = tomllib.loads(EXAMPLE.read_text("utf-8"))
    body = json.loads(json.dumps(tables, default=lambda v: v.isoformat()))
    forecast, _ = forecast_functions()
    seeds = list(range(1, forecasts + 1))
    page = "/result?" + urlencode(ANSWERS)

    def in_process(_: object, seed: int) -> None:
        forecast(parse_profile(body, today=TODAY), samples=SAMPLES, seed=seed, today=TODAY)

    with serving() as url:

        def connection() -> httpx.Client:
            return httpx.Client(base_url=url, timeout=120.0)

        def over_http(client: httpx.Client, seed: int) -> None:
            answer = client.post(
                "/api/v1/forecast",
                json={"profile": body, "samples": SAMPLES, "seed": seed, "today": str(TODAY)},
            )
            if answer.status_code != 200:
                raise RuntimeError(f"forecast answered {answer.status_code}: {answer.text}")

        def get_page(client: httpx.Client, _: int) -> None:
            answer = client.get(page)
            if answer.status_code != 200:
                raise RuntimeError(f"result page answered {answer.status_code}")

        progress("web_speed: warming up the server and this process ...")
        under_load([0, -1], lambda c, s: over_http(c, abs(s) + 10_000), connection)
        under_load([0, 1], lambda _, s: in_process(None, s + 10_000), lambda: None)
        progress(f"web_speed: {forecasts} forecasts over HTTP, then in-process, 2 clients ...")
        web, web_wall = under_load(seeds, over_http, connection)
        local, local_wall = under_load(seeds, in_process, lambda: None)
        progress(f"web_speed: {pages} requests of a cached result page ...")
        with connection() as warm:
            get_page(warm, 0)
        cached, page_wall = under_load(range(pages), get_page, connection)

    web_s, local_s, page_s = Stats.of(web), Stats.of(local), Stats.of(cached)
    ratio = web_s.median / local_s.median
    page_rate = pages / page_wall
    rows = [
        Row(
            f"`POST /api/v1/forecast`, {SAMPLES:,} draws, a new seed each: "
            f"{forecasts / web_wall:.2f} forecasts/s, p95 {fmt_time(p95(web))}",
            web_s,
            fmt_ratio(ratio),
            f"median ≤ {MAX_RATIO:g}× in-process",
            verdict(ratio <= MAX_RATIO),
        ),
        Row(
            f"`fadecast.forecast` in-process, the same seeds (baseline): "
            f"{forecasts / local_wall:.2f} forecasts/s, p95 {fmt_time(p95(local))}",
            local_s,
            "1×",
            "—",
            "baseline",
        ),
        Row(
            f"`GET /result?...`, the same (cached) page: {page_rate:.0f} requests/s, "
            f"p95 {fmt_time(p95(cached))}",
            page_s,
            "—",
            f"≥ {MIN_PAGES_PER_S:.0f} requests/s",
            verdict(page_rate >= MIN_PAGES_PER_S),
        ),
    ]
    return "\n".join(
        [
            "### The web app under load (`benchmarks/web_speed.py`)",
            "",
            f"uvicorn serving the app on 127.0.0.1 in its own process; {CLIENTS} clients "
            f"(threads, keep-alive connections) share {forecasts} forecast requests of "
            f"`examples/{EXAMPLE.name}` (samples={SAMPLES}, seeds 1-{forecasts}, "
            f"today={TODAY.isoformat()}, attribution on), then {pages} requests of one "
            "result page, after a warm-up. The baseline runs the same forecasts (the "
            "profile parsed each time, as the server does) on two threads of this process. "
            "Times are each request's latency; ratio = median / median in-process.",
            "",
            results_table(rows, time_label="median latency"),
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--forecasts", type=int, default=FORECASTS, help=f"forecast requests (default {FORECASTS})"
    )
    parser.add_argument(
        "--pages", type=int, default=PAGES, help=f"cached page requests (default {PAGES})"
    )
    parser.add_argument(
        "--no-machine", action="store_true", help="leave out the machine facts at the top"
    )
    args = parser.parse_args(argv)
    if args.forecasts < CLIENTS or args.pages < CLIENTS:
        parser.error(f"forecasts and pages must each be at least {CLIENTS}")
    out = report(args.forecasts, args.pages)
    if not args.no_machine:
        out = machine_facts() + "\n\n" + out
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
