//go:build otel

package main

// Trace context in the metadata of outgoing gRPC calls (W3C traceparent through the global propagator
// that tracing_otel.go installs): the callee's span continues this trace.

import (
	"context"

	"go.opentelemetry.io/otel"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// outgoingCarrier adapts outgoing gRPC metadata to the propagation.TextMapCarrier interface.
type outgoingCarrier metadata.MD

func (c outgoingCarrier) Get(key string) string {
	if v := metadata.MD(c).Get(key); len(v) > 0 {
		return v[0]
	}
	return ""
}
func (c outgoingCarrier) Set(key, value string) { metadata.MD(c).Set(key, value) }
func (c outgoingCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

func injectTraceInterceptor(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	md, ok := metadata.FromOutgoingContext(ctx)
	if ok {
		md = md.Copy()
	} else {
		md = metadata.MD{}
	}
	otel.GetTextMapPropagator().Inject(ctx, outgoingCarrier(md))
	return invoker(metadata.NewOutgoingContext(ctx, md), method, req, reply, cc, opts...)
}
