"""Calls to the services this one depends on (its callees), found through the environment that the chart
(deploy/charts/<service>/values.yaml) and compose.yaml set from ``calls`` in cn-scaffold.yaml:

- ``CALLEES=orders,payments``: the callee names
- ``ORDERS_URL=http://orders...:8080``: an HTTP callee's base URL
- ``PAYMENTS_ADDR=dns:///...:9091``: a gRPC callee's target (for a generated gRPC client)
- ``<NAME>_TIMEOUT_MS``, ``<NAME>_RETRIES``: the deadline of one call, retries included, and the retries

Standard library only (urllib). Readiness never depends on callees: a service that is up answers /readyz
even when a callee is down, so one failure does not cascade into restarts.
"""

from __future__ import annotations

import json
import os
import random
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Mapping

DEFAULT_TIMEOUT_MS = 2000
DEFAULT_RETRIES = 2
BACKOFF_BASE = 0.1
BACKOFF_MAX = 1.0
#: Only worth another attempt: the callee was unreachable, overloaded or restarting.
RETRYABLE = frozenset({502, 503, 504})


@dataclass(frozen=True)
class Callee:
    name: str
    protocol: str  # "http" or "grpc"
    target: str  # base URL (http) or gRPC target (grpc)
    timeout_ms: int
    retries: int


@dataclass(frozen=True)
class CallResult:
    status: int
    body: str
    attempts: int


class CallError(Exception):
    """A call that failed after its retries, or ran out of time."""

    def __init__(self, message: str, attempts: int, status: int | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.status = status


def _int(raw: str | None, fallback: int) -> int:
    return int(raw) if raw is not None and raw.isdigit() else fallback


def callees_from_env(env: Mapping[str, str] = os.environ) -> list[Callee]:
    """The callees declared in the environment, in the order of CALLEES."""
    out = []
    for name in (n.strip() for n in env.get("CALLEES", "").split(",")):
        if not name:
            continue
        prefix = name.upper().replace("-", "_")
        timeout_ms = _int(env.get(f"{prefix}_TIMEOUT_MS"), DEFAULT_TIMEOUT_MS)
        retries = _int(env.get(f"{prefix}_RETRIES"), DEFAULT_RETRIES)
        if env.get(f"{prefix}_URL"):
            out.append(Callee(name, "http", env[f"{prefix}_URL"].rstrip("/"), timeout_ms, retries))
        elif env.get(f"{prefix}_ADDR"):
            out.append(Callee(name, "grpc", env[f"{prefix}_ADDR"], timeout_ms, retries))
    return out


def call_service(callee: Callee, path: str = "/") -> CallResult:
    """GET ``path`` on an HTTP callee.

    One deadline (callee.timeout_ms) covers every attempt; a connection error, an attempt that timed out or
    a 502/503/504 is retried up to callee.retries times after an exponential backoff (0.1 s, 0.2 s, 0.4 s...
    at most 1 s, with jitter). Returns the first answer that is not retried (any status: the caller
    decides); raises CallError when the retries or the time are used up.
    """
    if callee.protocol != "http":
        raise CallError(f"{callee.name} is a gRPC service: call it with a generated gRPC client at {callee.target}", 0)
    deadline = time.monotonic() + callee.timeout_ms / 1000
    last, status, attempt = "no attempt made", None, 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise CallError(f"{callee.name}: timed out after {callee.timeout_ms} ms ({attempt} attempts; last: {last})", attempt, status)
        attempt += 1
        request = urllib.request.Request(callee.target + path, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=remaining) as response:  # noqa: S310 (URL from our own env contract)
                return CallResult(response.status, response.read().decode("utf-8", "replace"), attempt)
        except urllib.error.HTTPError as err:
            body = err.read().decode("utf-8", "replace")
            if err.code not in RETRYABLE:
                return CallResult(err.code, body, attempt)
            status, last = err.code, f"HTTP {err.code}"
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as err:
            last = str(getattr(err, "reason", err))
        if attempt > callee.retries:
            raise CallError(f"{callee.name}: failed after {attempt} attempts (last: {last})", attempt, status)
        backoff = min(BACKOFF_BASE * 2 ** (attempt - 1), BACKOFF_MAX)
        time.sleep(min(backoff / 2 + random.random() * backoff / 2, max(0.0, deadline - time.monotonic())))


def _report(callee: Callee) -> dict[str, Any]:
    base: dict[str, Any] = {"name": callee.name, "protocol": callee.protocol, "target": callee.target}
    if callee.protocol == "grpc":
        return {**base, "ok": True, "error": "not called: use the generated gRPC client"}
    try:
        result = call_service(callee, "/")
    except CallError as err:
        return {**base, "ok": False, "attempts": err.attempts, **({"status": err.status} if err.status else {}), "error": str(err)}
    try:
        body: Any = json.loads(result.body)
    except ValueError:
        body = result.body
    return {**base, "ok": result.status < 400, "status": result.status, "attempts": result.attempts, "body": body}


def call_all(callees: list[Callee] | None = None) -> list[dict[str, Any]]:
    """Calls GET / on every HTTP callee at once and reports each answer (served at GET /callees).

    gRPC callees are listed, not called: wire the generated client there.
    """
    callees = callees_from_env() if callees is None else callees
    if not callees:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(callees))) as pool:
        return list(pool.map(_report, callees))
