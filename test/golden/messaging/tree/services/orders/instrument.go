package main

// Server-side gRPC metrics with the names and labels of go-grpc-prometheus (the de facto
// convention the generated PrometheusRule and dashboard query):
// grpc_server_handled_total{grpc_type,grpc_service,grpc_method,grpc_code} and the
// grpc_server_handling_seconds histogram, recorded by interceptors; tracing spans (tracing_otel.go)
// are started from the same interceptors.

import (
	"context"
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

type grpcMetrics struct {
	registry *registry
	handled  *counterVec
	duration *histogramVec
}

func newGRPCMetrics() *grpcMetrics {
	reg := newRegistry()
	return &grpcMetrics{
		registry: reg,
		handled: reg.counter("grpc_server_handled_total",
			"Total number of RPCs completed on the server, regardless of success or failure.",
			"grpc_type", "grpc_service", "grpc_method", "grpc_code"),
		duration: reg.histogram("grpc_server_handling_seconds",
			"Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
			"grpc_type", "grpc_service", "grpc_method"),
	}
}

// splitMethod turns "/acme.orders.v1.GreeterService/SayHello" into its service and method.
func splitMethod(full string) (string, string) {
	full = strings.TrimPrefix(full, "/")
	if i := strings.LastIndex(full, "/"); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "unknown", full
}

// untracedServices are counted but get no span: probes would drown the real traffic.
var untracedServices = map[string]bool{"grpc.health.v1.Health": true}

func (m *grpcMetrics) record(ctx context.Context, typ, fullMethod string, call func(context.Context) error) error {
	started := time.Now()
	service, method := splitMethod(fullMethod)
	end := func(error) {}
	if !untracedServices[service] {
		ctx, end = startRPCSpan(ctx, service, method)
	}
	err := call(ctx)
	// status.Code(nil) is OK; codes print as go-grpc-prometheus labels them (OK, NotFound...).
	m.handled.inc(typ, service, method, status.Code(err).String())
	m.duration.observe(time.Since(started).Seconds(), typ, service, method)
	end(err)
	return err
}

func (m *grpcMetrics) unaryInterceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	var res any
	err := m.record(ctx, "unary", info.FullMethod, func(ctx context.Context) error {
		var err error
		res, err = handler(ctx, req)
		return err
	})
	return res, err
}

// tracedStream hands the handler the context that carries the span.
type tracedStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *tracedStream) Context() context.Context { return s.ctx }

func (m *grpcMetrics) streamInterceptor(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	typ := "bidi_stream"
	switch {
	case info.IsClientStream && !info.IsServerStream:
		typ = "client_stream"
	case !info.IsClientStream && info.IsServerStream:
		typ = "server_stream"
	}
	return m.record(ss.Context(), typ, info.FullMethod, func(ctx context.Context) error {
		return handler(srv, &tracedStream{ServerStream: ss, ctx: ctx})
	})
}

// handler serves GET /metrics on the separate metrics port (METRICS_PORT): Prometheus
// scrapes plain HTTP, which the gRPC port does not speak.
func (m *grpcMetrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", metricsContentType)
		m.registry.write(w)
	})
	return mux
}
