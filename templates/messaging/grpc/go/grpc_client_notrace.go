//go:build !otel

package main

// Without the otel build tag outgoing calls carry no trace context (see grpc_client_otel.go).

import (
	"context"

	"google.golang.org/grpc"
)

func injectTraceInterceptor(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	return invoker(ctx, method, req, reply, cc, opts...)
}
