"""Server-side gRPC metrics and spans, recorded by a server interceptor.

Names and labels follow go-grpc-prometheus (what the generated PrometheusRule and dashboard
query): grpc_server_handled_total{grpc_type,grpc_service,grpc_method,grpc_code} and the
grpc_server_handling_seconds histogram; codes are spelled like Go's codes.Code (OK, NotFound, ...).
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterator

import grpc

import metrics
import tracing

#: grpc.StatusCode -> the label value go-grpc-prometheus uses (Go's codes.Code.String()).
CODE_NAMES = {
    grpc.StatusCode.OK: "OK",
    grpc.StatusCode.CANCELLED: "Canceled",
    grpc.StatusCode.UNKNOWN: "Unknown",
    grpc.StatusCode.INVALID_ARGUMENT: "InvalidArgument",
    grpc.StatusCode.DEADLINE_EXCEEDED: "DeadlineExceeded",
    grpc.StatusCode.NOT_FOUND: "NotFound",
    grpc.StatusCode.ALREADY_EXISTS: "AlreadyExists",
    grpc.StatusCode.PERMISSION_DENIED: "PermissionDenied",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "ResourceExhausted",
    grpc.StatusCode.FAILED_PRECONDITION: "FailedPrecondition",
    grpc.StatusCode.ABORTED: "Aborted",
    grpc.StatusCode.OUT_OF_RANGE: "OutOfRange",
    grpc.StatusCode.UNIMPLEMENTED: "Unimplemented",
    grpc.StatusCode.INTERNAL: "Internal",
    grpc.StatusCode.UNAVAILABLE: "Unavailable",
    grpc.StatusCode.DATA_LOSS: "DataLoss",
    grpc.StatusCode.UNAUTHENTICATED: "Unauthenticated",
}
#: Probes are counted but get no span: they would drown the real traffic.
UNTRACED_SERVICES = frozenset({"grpc.health.v1.Health"})


class MetricsInterceptor(grpc.ServerInterceptor):
    def __init__(self, registry: metrics.Registry) -> None:
        self.handled = registry.counter(
            "grpc_server_handled_total",
            "Total number of RPCs completed on the server, regardless of success or failure.",
            "grpc_type",
            "grpc_service",
            "grpc_method",
            "grpc_code",
        )
        self.duration = registry.histogram(
            "grpc_server_handling_seconds",
            "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
            "grpc_type",
            "grpc_service",
            "grpc_method",
        )

    def intercept_service(self, continuation: Callable[[Any], Any], details: grpc.HandlerCallDetails) -> Any:
        handler = continuation(details)
        if handler is None:  # unknown method: grpc answers UNIMPLEMENTED itself
            return None
        service, _, method = details.method.lstrip("/").rpartition("/")
        carrier = {k: v for k, v in (details.invocation_metadata or ()) if isinstance(v, str)}
        traced = service not in UNTRACED_SERVICES
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                self._unary(handler.unary_unary, "unary", service, method, carrier, traced),
                handler.request_deserializer,
                handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                self._streaming(handler.unary_stream, "server_stream", service, method, carrier, traced),
                handler.request_deserializer,
                handler.response_serializer,
            )
        if handler.stream_unary:
            return grpc.stream_unary_rpc_method_handler(
                self._unary(handler.stream_unary, "client_stream", service, method, carrier, traced),
                handler.request_deserializer,
                handler.response_serializer,
            )
        return grpc.stream_stream_rpc_method_handler(
            self._streaming(handler.stream_stream, "bidi_stream", service, method, carrier, traced),
            handler.request_deserializer,
            handler.response_serializer,
        )

    def _record(self, typ: str, service: str, method: str, started: float, context: grpc.ServicerContext, failed: bool) -> str:
        # context.code() is what the handler set (or abort() raised with); an exception without
        # a code reaches the client as UNKNOWN.
        code = context.code() or (grpc.StatusCode.UNKNOWN if failed else grpc.StatusCode.OK)
        name = CODE_NAMES.get(code, "Unknown")
        self.handled.inc(typ, service, method, name)
        self.duration.observe(time.perf_counter() - started, typ, service, method)
        return name

    def _span(self, service: str, method: str, carrier: dict[str, str], traced: bool) -> Any:
        if not traced:
            return _NoSpan()
        attributes = {"rpc.system": "grpc", "rpc.service": service, "rpc.method": method}
        return tracing.server_span(f"{service}/{method}", carrier, attributes)

    def _unary(self, behavior: Callable[..., Any], typ: str, service: str, method: str, carrier: dict[str, str], traced: bool) -> Callable[..., Any]:
        def wrapper(request: Any, context: grpc.ServicerContext) -> Any:
            started, failed = time.perf_counter(), False
            with self._span(service, method, carrier, traced) as span:
                try:
                    return behavior(request, context)
                except Exception:
                    failed = True
                    raise
                finally:
                    _finish(span, self._record(typ, service, method, started, context, failed))

        return wrapper

    def _streaming(self, behavior: Callable[..., Any], typ: str, service: str, method: str, carrier: dict[str, str], traced: bool) -> Callable[..., Any]:
        def wrapper(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            started, failed = time.perf_counter(), False
            with self._span(service, method, carrier, traced) as span:
                try:
                    yield from behavior(request, context)
                except Exception:
                    failed = True
                    raise
                finally:
                    _finish(span, self._record(typ, service, method, started, context, failed))

        return wrapper


class _NoSpan:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _finish(span: Any, code_name: str) -> None:
    if span is None:
        return
    span.set_attribute("rpc.grpc.status_code", code_name)
    if code_name != "OK":
        tracing.set_error(span, code_name)
