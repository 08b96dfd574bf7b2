"""Components the building blocks add to this service (e.g. the NATS client in messaging.py).

Started in the background once the server listens: a dependency that is down must not keep the service
from serving or from passing its probes (each component retries with backoff). On shutdown they stop in
reverse order, after the server stopped accepting requests.
"""

from __future__ import annotations

from typing import Callable

import messaging

STARTERS: list[tuple[str, Callable[..., Callable[[], None]]]] = [
    ("messaging", messaging.start),
]


def start(log: Callable[..., None]) -> Callable[[], None]:
    """Starts every component; returns the function that stops them all."""
    stops: list[tuple[str, Callable[[], None]]] = []
    for name, starter in STARTERS:
        try:
            stops.append((name, starter(log)))
        except Exception as err:  # noqa: BLE001 (one component must not keep the service down)
            log("error", "component failed to start", component=name, error=str(err))

    def stop() -> None:
        for name, stop_one in reversed(stops):
            try:
                stop_one()
            except Exception as err:  # noqa: BLE001
                log("warn", "component stop failed", component=name, error=str(err))

    return stop
