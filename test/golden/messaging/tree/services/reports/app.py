"""HTTP service reports of shop: liveness, readiness, metrics, a small JSON endpoint and
GET /callees (calls every HTTP callee, see callees.py).

Standard library only (http.server.ThreadingHTTPServer, metrics.py), so it runs without installing
anything; OpenTelemetry tracing (tracing.py) starts only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
Listens on PORT (default 8081); SIGTERM/SIGINT start a graceful shutdown.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import callees
import components
import metrics
import tracing
from lifecycle import Faults, shutdown_delay_seconds

SERVICE_NAME = "reports"
DEFAULT_PORT = 8081
# Shutdown delay + this must stay below the pod's terminationGracePeriodSeconds (30 s by default),
# or the kubelet kills the process before the drain finishes.
DRAIN_TIMEOUT_SECONDS = 10.0
#: Known routes keep their path as the route label; anything else is "other", so a scan cannot
#: create unbounded series.
ROUTES = frozenset({"/", "/callees", "/healthz", "/readyz", "/metrics"})
#: Probes and scrapes are counted but get no span: they would drown the real traffic.
UNTRACED = frozenset({"/healthz", "/readyz", "/metrics"})


def log(level: str, msg: str, **fields: Any) -> None:
    """One JSON object per line on stdout: what log collectors parse without a custom regex."""
    line = {
        "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "level": level,
        "msg": msg,
        "service": SERVICE_NAME,
        **fields,
    }
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


class AppServer(ThreadingHTTPServer):
    """Counts in-flight requests so shutdown can drain them, and carries readiness."""

    # Handler threads are joined explicitly in drain(); daemon threads never block exit.
    daemon_threads = True

    def __init__(self, address: tuple[str, int], faults: Faults | None = None) -> None:
        super().__init__(address, Handler)
        self.shutting_down = threading.Event()
        #: The FAULT_* test switch (lifecycle.py); the default injects nothing.
        self.faults = faults if faults is not None else Faults({})
        self.metrics = metrics.Registry()
        self.requests = self.metrics.counter(
            "http_requests_total", "HTTP requests handled, by method, route and status code.", "method", "route", "status"
        )
        self.duration = self.metrics.histogram(
            "http_request_duration_seconds", "Time to answer HTTP requests, in seconds.", "method", "route"
        )
        self._in_flight = 0
        self._idle = threading.Condition()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._idle:
            self._in_flight += 1
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def drain(self, timeout: float) -> bool:
        """Waits until no request is in flight; False when the deadline passed first."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._in_flight > 0:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True


class Handler(BaseHTTPRequestHandler):
    server: AppServer
    # HTTP/1.0 closes the connection after each response, so no idle keep-alive
    # connection holds the drain open.
    protocol_version = "HTTP/1.0"

    _status = 0

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code  # recorded for the request metrics
        super().send_response(code, message)

    def _instrumented(self, respond: Callable[[str], None]) -> None:
        """Counts and times the request; wraps it in a server span when tracing is on."""
        started = time.perf_counter()
        path = self.path.split("?", 1)[0]
        route = path if path in ROUTES else "other"
        if path in UNTRACED:
            respond(path)
        else:
            attributes = {"http.request.method": self.command, "http.route": route, "url.path": path}
            with tracing.server_span(f"{self.command} {route}", self.headers, attributes) as span:
                respond(path)
                if span is not None:
                    span.set_attribute("http.response.status_code", self._status)
                    if self._status >= 500:
                        tracing.set_error(span, str(self._status))
        self.server.requests.inc(self.command, route, str(self._status))
        self.server.duration.observe(time.perf_counter() - started, self.command, route)

    def do_GET(self) -> None:  # noqa: N802 (name fixed by BaseHTTPRequestHandler)
        self._instrumented(self._get)

    def _get(self, path: str) -> None:
        if path == "/healthz":
            # Liveness: answering at all proves the process is alive.
            self._send(200, {"status": "ok"})
        elif path == "/readyz":
            # Readiness: 503 once shutdown began, so the endpoint leaves the Service while
            # in-flight requests drain.
            if self.server.shutting_down.is_set():
                self._send(503, {"status": "shutting down"})
            else:
                self._send(200, {"status": "ready"})
        elif path == "/metrics":
            body = self.server.metrics.render()
            self.send_response(200)
            self.send_header("Content-Type", metrics.CONTENT_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path == "/":
            faults = self.server.faults
            fail = faults.next_fails()
            if faults.delay_seconds > 0:
                time.sleep(faults.delay_seconds)
            if fail:
                self._send(500, {"error": "injected fault (FAULT_ERROR_RATIO)"})
            else:
                self._send(200, {"service": SERVICE_NAME, "message": f"hello from {SERVICE_NAME}"})
        elif path == "/callees":
            # One GET / per HTTP callee (callees.py): 200 when every callee answered, else 502.
            report = callees.call_all()
            self._send(200 if all(c["ok"] for c in report) else 502, {"service": SERVICE_NAME, "callees": report})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        self._instrumented(lambda _path: self._send(405, {"error": "method not allowed"}, allow="GET"))

    do_PUT = do_PATCH = do_DELETE = do_POST

    def _send(self, status: int, body: dict[str, Any], allow: str | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if allow:
            self.send_header("Allow", allow)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        # Access logs off: the default handler writes unstructured lines to stderr.
        pass


def parse_port(raw: str | None) -> int:
    if not raw:
        return DEFAULT_PORT
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ValueError(f"PORT must be an integer between 1 and 65535, got {raw!r}")
    return int(raw)


def main() -> int:
    try:
        port = parse_port(os.environ.get("PORT"))
        delay = shutdown_delay_seconds()
        faults = Faults()
        server = AppServer(("0.0.0.0", port), faults)
    except (ValueError, OSError) as err:
        log("error", "startup failed", error=str(err))
        return 1
    if faults.enabled:
        log("warn", "fault injection on (test switch)", errorRatio=faults.error_ratio, delaySeconds=faults.delay_seconds)
    try:
        flush_traces = tracing.start(SERVICE_NAME)
    except Exception as err:  # noqa: BLE001 (tracing is an aid: run without it rather than not at all)
        log("warn", "tracing disabled", error=str(err))
        flush_traces = None
    if flush_traces is not None:
        log("info", "tracing enabled", endpoint=os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", ""))

    stop = threading.Event()
    stop_delay = [0.0]

    def on_signal(signum: int, _frame: Any) -> None:
        if not stop.is_set():
            # /readyz answers 503 from now on, but requests are still served for the shutdown delay:
            # the pod is only removed from the Service endpoints after its readiness failed
            # (lifecycle.py). Ctrl-C is a person at a terminal, not an endpoint controller: no delay.
            stop_delay[0] = delay if signum == signal.SIGTERM else 0.0
            log("info", "shutdown started", signal=signal.Signals(signum).name, delaySeconds=stop_delay[0])
            server.shutting_down.set()
            stop.set()

    # SIGTERM is what the kubelet sends; SIGINT is Ctrl-C.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    serving = threading.Thread(target=server.serve_forever, name="serve", daemon=True)
    serving.start()
    log("info", "listening", port=port)
    # What the building blocks add (components.py): started once listening, stopped after the drain.
    stop_components = components.start(log)
    # A timed wait, so the main thread wakes up: Python runs signal handlers in the main thread
    # only, and the kernel may deliver SIGTERM to a busy request thread instead, which would not
    # interrupt an untimed wait.
    while not stop.wait(0.2):
        pass
    time.sleep(stop_delay[0])

    log("info", "draining")
    server.shutdown()  # stop accepting: the accept loop ends
    server.server_close()
    if not server.drain(DRAIN_TIMEOUT_SECONDS):
        log("warn", "drain deadline reached, abandoning remaining requests", timeoutSeconds=DRAIN_TIMEOUT_SECONDS)
    stop_components()
    if flush_traces is not None:
        flush_traces()  # export the last spans
    log("info", "shutdown complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
