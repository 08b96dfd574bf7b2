//go:build !otel

package main

// Tracing is compiled in only with `-tags otel` (tracing_otel.go, what the Dockerfile builds):
// the OpenTelemetry SDK is a module download away, and this no-op variant keeps `go build`,
// `go vet` and `go test` working offline with the standard library alone.

import (
	"context"
	"net/http"
)

// tracingEnabled reports whether this binary can export spans.
const tracingEnabled = false

// startTracing does nothing without the otel build tag; the returned function flushes spans.
func startTracing(context.Context, string) (func(context.Context) error, error) {
	return func(context.Context) error { return nil }, nil
}

// startServerSpan returns the request unchanged and a no-op end function.
func startServerSpan(r *http.Request, _ string) (*http.Request, func(status int)) {
	return r, func(int) {}
}

// startClientSpan returns ctx unchanged and a no-op end function (see tracing_otel.go).
func startClientSpan(ctx context.Context, _ string, _ map[string]string) (context.Context, func(err error)) {
	return ctx, func(error) {}
}
