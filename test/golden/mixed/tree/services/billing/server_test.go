package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	greeterv1 "shop/billing/gen/shop/billing/v1"
)

// dial starts the server on an in-memory listener and returns a client connection.
func dial(t *testing.T) (*grpc.ClientConn, func(), *grpcMetrics) {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv, hs, m := newServer("svc")
	go func() { _ = srv.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(); srv.Stop() })
	return conn, hs.Shutdown, m
}

func TestSayHello(t *testing.T) {
	conn, _, m := dial(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := greeterv1.NewGreeterServiceClient(conn).SayHello(ctx, &greeterv1.SayHelloRequest{Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.GetMessage(), "hello Ada, from ") {
		t.Fatalf("message = %q", res.GetMessage())
	}

	// The call is counted with go-grpc-prometheus' names and labels, served on /metrics.
	rec := httptest.NewRecorder()
	m.handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`grpc_server_handled_total{grpc_type="unary",grpc_service="shop.billing.v1.GreeterService",grpc_method="SayHello",grpc_code="OK"} 1`,
		`grpc_server_handling_seconds_count{grpc_type="unary",grpc_service="shop.billing.v1.GreeterService",grpc_method="SayHello"} 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
}

func TestHealth(t *testing.T) {
	conn, shutdown, _ := dial(t)
	client := healthpb.NewHealthClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	check := func(service string) (healthpb.HealthCheckResponse_ServingStatus, error) {
		res, err := client.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
		return res.GetStatus(), err
	}
	for _, svc := range []string{"", greeterv1.GreeterService_ServiceDesc.ServiceName} {
		if st, err := check(svc); err != nil || st != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("Check(%q) = %v, %v; want SERVING", svc, st, err)
		}
	}
	if _, err := check("no.such.Service"); status.Code(err) != codes.NotFound {
		t.Fatalf("Check(unknown) error = %v; want NotFound", err)
	}
	shutdown()
	if st, err := check(""); err != nil || st != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("Check(\"\") after shutdown = %v, %v; want NOT_SERVING", st, err)
	}
}

func TestParsePort(t *testing.T) {
	if p, err := parsePort(""); err != nil || p != defaultPort {
		t.Fatalf("parsePort(\"\") = %d, %v", p, err)
	}
	if _, err := parsePort("70000"); err == nil {
		t.Fatal("parsePort(\"70000\") accepted")
	}
}
