"""Prometheus metrics in the text exposition format (version 0.0.4), standard library only.

A counter and a histogram with labels are all a service needs for the request rate, error ratio
and latency that the generated alerts and dashboard query (deploy/charts/*/templates/
prometheusrule.yaml); the series and buckets match the other skeletons.
https://prometheus.io/docs/instrumenting/exposition_formats/
"""

from __future__ import annotations

import math
import platform
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Default buckets of the Prometheus client libraries (seconds).
DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(pairs: list[tuple[str, str]]) -> str:
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}" if pairs else ""


def _num(value: float) -> str:
    if value == math.inf:
        return "+Inf"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Counter:
    def __init__(self, name: str, help_text: str, label_names: tuple[str, ...] = ()) -> None:
        self.name, self.help, self.label_names = name, help_text, label_names
        self._values: dict[tuple[str, ...], float] = {}
        self._lock = threading.Lock()

    def inc(self, *label_values: str, by: float = 1.0) -> None:
        with self._lock:
            self._values[label_values] = self._values.get(label_values, 0.0) + by

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} counter"]
        with self._lock:
            for values, total in sorted(self._values.items()):
                lines.append(f"{self.name}{_labels(list(zip(self.label_names, values)))} {_num(total)}")
        return lines


class Histogram:
    def __init__(
        self, name: str, help_text: str, label_names: tuple[str, ...] = (), buckets: tuple[float, ...] = DEFAULT_BUCKETS
    ) -> None:
        self.name, self.help, self.label_names, self.buckets = name, help_text, label_names, buckets
        # label values -> [per-bucket counts..., sum, count]
        self._series: dict[tuple[str, ...], list[float]] = {}
        self._lock = threading.Lock()

    def observe(self, value: float, *label_values: str) -> None:
        with self._lock:
            s = self._series.setdefault(label_values, [0.0] * (len(self.buckets) + 2))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    s[i] += 1
            s[-2] += value
            s[-1] += 1

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        with self._lock:
            for values, s in sorted(self._series.items()):
                base = list(zip(self.label_names, values))
                for i, bound in enumerate(self.buckets):
                    lines.append(f"{self.name}_bucket{_labels(base + [('le', _num(bound))])} {_num(s[i])}")
                lines.append(f"{self.name}_bucket{_labels(base + [('le', '+Inf')])} {_num(s[-1])}")
                lines.append(f"{self.name}_sum{_labels(base)} {_num(s[-2])}")
                lines.append(f"{self.name}_count{_labels(base)} {_num(s[-1])}")
        return lines


class Gauge:
    """A value read at scrape time, optionally with fixed labels."""

    def __init__(self, name: str, help_text: str, read: Callable[[], float], labels: dict[str, str] | None = None) -> None:
        self.name, self.help, self._read, self._labels = name, help_text, read, labels or {}

    def render(self) -> list[str]:
        value = f"{self.name}{_labels(list(self._labels.items()))} {_num(self._read())}"
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} gauge", value]


class Registry:
    def __init__(self) -> None:
        self._metrics: list[Counter | Histogram | Gauge] = []
        # process_start_time_seconds: the restart alert of the plain Prometheus rules uses it.
        started = time.time()
        self.register(Gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", lambda: int(started)))
        major, minor, patch = platform.python_version_tuple()
        info = {"implementation": platform.python_implementation(), "major": major, "minor": minor, "patchlevel": patch}
        self.register(Gauge("python_info", "Python platform information.", lambda: 1, info))

    def register(self, metric: Any) -> Any:
        self._metrics.append(metric)
        return metric

    def counter(self, name: str, help_text: str, *label_names: str) -> Counter:
        return self.register(Counter(name, help_text, label_names))

    def histogram(self, name: str, help_text: str, *label_names: str) -> Histogram:
        return self.register(Histogram(name, help_text, label_names))

    def render(self) -> bytes:
        """The body of GET /metrics."""
        return ("\n".join(line for m in self._metrics for line in m.render()) + "\n").encode()


class MetricsServer(ThreadingHTTPServer):
    """Serves GET /metrics on its own port (gRPC services: Prometheus scrapes plain HTTP)."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], registry: Registry) -> None:
        super().__init__(address, _MetricsHandler)
        self.registry = registry


class _MetricsHandler(BaseHTTPRequestHandler):
    server: MetricsServer
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802 (name fixed by BaseHTTPRequestHandler)
        if self.path.split("?", 1)[0] != "/metrics":
            self.send_error(404)
            return
        body = self.server.registry.render()
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # no unstructured access log on stderr
