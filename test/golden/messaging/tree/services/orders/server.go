package main

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	greeterv1 "shop/orders/gen/shop/orders/v1"
)

// greeter implements the example API of proto/shop/orders/v1/greeter_service.proto.
type greeter struct {
	greeterv1.UnimplementedGreeterServiceServer
	service string
}

func (g *greeter) SayHello(_ context.Context, req *greeterv1.SayHelloRequest) (*greeterv1.SayHelloResponse, error) {
	name := strings.TrimSpace(req.GetName())
	if name == "" {
		name = "world"
	}
	return &greeterv1.SayHelloResponse{Message: "hello " + name + ", from " + g.service}, nil
}

// newServer registers the example service, the standard grpc.health.v1.Health service that
// Kubernetes gRPC probes call, and server reflection (grpcurl and ghz call the service without
// the .proto file); every call is counted, timed and (with tracing) wrapped in a
// span by the interceptors of instrument.go. The returned health server is flipped to
// NOT_SERVING when shutdown begins; the metrics are served by main on METRICS_PORT.
func newServer(service string) (*grpc.Server, *health.Server, *grpcMetrics) {
	m := newGRPCMetrics()
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(m.unaryInterceptor),
		grpc.ChainStreamInterceptor(m.streamInterceptor),
	)
	greeterv1.RegisterGreeterServiceServer(srv, &greeter{service: service})
	hs := health.NewServer()
	// "" is the overall server status, the one a probe without `service` checks.
	hs.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	hs.SetServingStatus(greeterv1.GreeterService_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	reflection.Register(srv)
	return srv, hs, m
}
