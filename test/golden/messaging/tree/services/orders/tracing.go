//go:build !otel

package main

// Tracing is compiled in only with `-tags otel` (tracing_otel.go, what the Dockerfile builds);
// this no-op variant keeps the default build free of the OpenTelemetry modules.

import "context"

// tracingEnabled reports whether this binary can export spans.
const tracingEnabled = false

// startTracing does nothing without the otel build tag; the returned function flushes spans.
func startTracing(context.Context, string) (func(context.Context) error, error) {
	return func(context.Context) error { return nil }, nil
}

// startRPCSpan returns the context unchanged and a no-op end function.
func startRPCSpan(ctx context.Context, _, _ string) (context.Context, func(error)) {
	return ctx, func(error) {}
}
