"""What every store client of this service shares: retries with exponential backoff and jitter, client
spans, and the state that keeps readiness independent of the stores (a store that is down makes its
endpoints answer 503 "degraded"; the process stays ready and is not restarted)."""

from __future__ import annotations

import random
import threading
import time
from typing import Any, Callable, Optional, TypeVar

import tracing

T = TypeVar("T")


class StoreState:
    def __init__(self) -> None:
        self.ready = False
        self.error = "not connected yet"


def backoff_seconds(attempt: int, cap: float = 5.0) -> float:
    """Delay before retry `attempt` (0-based): 0.2 s doubling up to `cap`, with full jitter."""
    return random.uniform(0, min(cap, 0.2 * 2**attempt))


def with_retry(fn: Callable[[], T], attempts: int = 3) -> T:
    """Runs fn up to `attempts` times with backoff between failures; re-raises the last error."""
    for attempt in range(attempts):
        try:
            return fn()
        except Exception:  # noqa: BLE001 (any store error is retried, then surfaced)
            if attempt + 1 >= attempts:
                raise
            time.sleep(backoff_seconds(attempt))
    raise AssertionError("unreachable")


def traced(name: str, attributes: dict[str, Any], fn: Callable[[], T]) -> T:
    """A CLIENT span around one store call (OpenTelemetry database semantic conventions)."""
    with tracing.client_span(name, attributes) as span:
        try:
            return fn()
        except Exception as err:
            tracing.set_error(span, str(err))
            raise


def prepare_in_background(store: str, state: StoreState, prepare: Callable[[], None], stopped: threading.Event,
                          log: Callable[..., None]) -> threading.Thread:
    """Prepares a store until it succeeds (backoff up to 30 s) without blocking start-up or probes."""

    def run() -> None:
        attempt = 0
        while not stopped.is_set():
            try:
                prepare()
                state.ready, state.error = True, ""
                log("info", "store ready", store=store)
                return
            except Exception as err:  # noqa: BLE001
                state.error = str(err)
                log("warn", "store not ready, retrying", store=store, error=state.error, attempt=attempt)
                stopped.wait(backoff_seconds(attempt, 30.0))
                attempt += 1

    thread = threading.Thread(target=run, name=f"prepare-{store}", daemon=True)
    thread.start()
    return thread


def need(env: dict[str, str], name: str, what: str) -> str:
    value: Optional[str] = env.get(name)
    if not value:
        raise ValueError(f"{name} is not set (the chart sets {what} from the service's credentials Secret)")
    return value
