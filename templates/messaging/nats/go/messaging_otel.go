//go:build otel

package main

// Trace context in NATS message headers (W3C traceparent through the global propagator that
// tracing_otel.go installs): a receiver's span continues the sender's trace.

import (
	"context"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// headerCarrier adapts nats.Header (a map of string slices) to the propagation.TextMapCarrier interface.
type headerCarrier nats.Header

func (c headerCarrier) Get(key string) string { return nats.Header(c).Get(key) }
func (c headerCarrier) Set(key, value string) { nats.Header(c).Set(key, value) }
func (c headerCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

// startMessageSpan starts a span for a message operation, continuing the trace in h when given.
func startMessageSpan(ctx context.Context, operation, subject string, h nats.Header) (context.Context, func(error)) {
	if h != nil {
		ctx = otel.GetTextMapPropagator().Extract(ctx, headerCarrier(h))
	}
	kind := trace.SpanKindConsumer
	switch operation {
	case "publish":
		kind = trace.SpanKindProducer
	case "request":
		kind = trace.SpanKindClient
	}
	ctx, span := tracer.Start(ctx, operation+" "+subject, trace.WithSpanKind(kind), trace.WithAttributes(
		attribute.String("messaging.system", "nats"),
		attribute.String("messaging.destination.name", subject),
		attribute.String("messaging.operation.name", operation),
	))
	return ctx, func(err error) {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}
}

// injectTrace writes the trace context of ctx into the headers of an outgoing message.
func injectTrace(ctx context.Context, h nats.Header) {
	otel.GetTextMapPropagator().Inject(ctx, headerCarrier(h))
}
