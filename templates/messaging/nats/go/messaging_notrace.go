//go:build !otel

package main

// Without the otel build tag messages carry no trace context (see messaging_otel.go).

import (
	"context"

	"github.com/nats-io/nats.go"
)

func startMessageSpan(ctx context.Context, _, _ string, _ nats.Header) (context.Context, func(error)) {
	return ctx, func(error) {}
}

func injectTrace(context.Context, nats.Header) {}
