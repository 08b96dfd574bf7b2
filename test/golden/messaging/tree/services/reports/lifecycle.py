"""Process settings shared by the HTTP and gRPC servers: how long to keep serving after SIGTERM, and
the fault-injection test switch. Standard library only."""

from __future__ import annotations

import os
import threading
from typing import Mapping


def _number(name: str, raw: str | None, default: float, low: float, high: float) -> float:
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise ValueError(f"{name} must be a number between {low:g} and {high:g}, got {raw!r}")
    return value


def shutdown_delay_seconds(env: Mapping[str, str] = os.environ) -> float:
    """Seconds the server keeps accepting and answering requests after SIGTERM while its readiness
    already fails (SHUTDOWN_DELAY_SECONDS, default 5).

    Endpoint removal in Kubernetes is asynchronous: kube-proxy, load balancers and meshes keep sending
    new requests for a moment after the pod started terminating, and a server that stops listening at
    once drops them. The chart's preStop sleep covers the same gap before SIGTERM; this delay also
    covers clusters where the sleep action is unavailable, and `docker stop`. Delay + drain (10 s) must
    stay below the pod's terminationGracePeriodSeconds (30 s).
    """
    return _number("SHUTDOWN_DELAY_SECONDS", env.get("SHUTDOWN_DELAY_SECONDS"), 5.0, 0.0, 60.0)


class Faults:
    """Fault injection, a TEST SWITCH that is off by default and must stay off in production: it lets a
    test (or a rehearsal of the delivery gates) give a version errors or latency.

    FAULT_ERROR_RATIO (0..1) is the share of application requests answered with an error (HTTP 500,
    gRPC UNAVAILABLE), spread evenly; FAULT_DELAY_SECONDS delays every application request. Probes and
    /metrics are never affected.
    """

    def __init__(self, env: Mapping[str, str] = os.environ) -> None:
        self.error_ratio = _number("FAULT_ERROR_RATIO", env.get("FAULT_ERROR_RATIO"), 0.0, 0.0, 1.0)
        self.delay_seconds = _number("FAULT_DELAY_SECONDS", env.get("FAULT_DELAY_SECONDS"), 0.0, 0.0, 60.0)
        self._owed = 0.0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.error_ratio > 0 or self.delay_seconds > 0

    def next_fails(self) -> bool:
        """True when this request should fail: exactly error_ratio of the requests, evenly spread."""
        with self._lock:
            self._owed += self.error_ratio
            if self._owed < 1 - 1e-9:
                return False
            self._owed -= 1
            return True
