"""OpenTelemetry tracing, started only when OTEL_EXPORTER_OTLP_ENDPOINT is set.

The Helm chart sets the variable when tracing is enabled. The OpenTelemetry packages are pinned in
requirements.txt (installed in the image) and imported only then, so the service also runs with
the standard library alone (`python3 app.py` without installing anything): without the variable
nothing is imported or exported. Spans go over OTLP/HTTP to <endpoint>/v1/traces; the resource
comes from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; W3C trace context is read from the
incoming headers (or gRPC metadata).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping

_tracer: Any = None


def enabled_by_env() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def start(service_name: str) -> Callable[[], None] | None:
    """Installs the SDK when the endpoint is configured; returns the flush-and-shutdown function."""
    global _tracer
    if not enabled_by_env():
        return None
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # Resource.create() reads OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME; the built-in name
    # is only the fallback for "unknown_service".
    resource = Resource.create()
    if str(resource.attributes.get("service.name", "")).startswith("unknown_service"):
        resource = resource.merge(Resource({"service.name": service_name}))
    provider = TracerProvider(resource=resource)
    # The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT itself and appends /v1/traces.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=1000))
    trace.set_tracer_provider(provider)
    _tracer = trace.get_tracer(service_name)
    return provider.shutdown


@contextmanager
def server_span(name: str, carrier: Mapping[str, str], attributes: dict[str, Any]) -> Iterator[Any]:
    """A SERVER span continuing the caller's trace; yields None when tracing is off."""
    if _tracer is None:
        yield None
        return
    from opentelemetry.propagate import extract
    from opentelemetry.trace import SpanKind

    with _tracer.start_as_current_span(name, context=extract(dict(carrier)), kind=SpanKind.SERVER, attributes=attributes) as span:
        yield span


@contextmanager
def client_span(name: str, attributes: dict[str, Any]) -> Iterator[Any]:
    """A CLIENT span (a call to a store or another service); yields None when tracing is off."""
    if _tracer is None:
        yield None
        return
    from opentelemetry.trace import SpanKind

    with _tracer.start_as_current_span(name, kind=SpanKind.CLIENT, attributes=attributes) as span:
        yield span


def set_error(span: Any, description: str) -> None:
    """Marks the span failed (no-op when tracing is off)."""
    if span is None:
        return
    from opentelemetry.trace import Status, StatusCode

    span.set_status(Status(StatusCode.ERROR, description))
