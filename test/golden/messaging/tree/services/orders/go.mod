// Replace the module path with your repository path (e.g. github.com/acme/orders);
// update go_package in proto/ to match.
module shop/orders

go 1.24.0

// go.opentelemetry.io/*: used only by tracing_otel.go (build tag `otel`, what the Dockerfile builds).
require (
	go.opentelemetry.io/otel v1.43.0
	go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp v1.43.0
	go.opentelemetry.io/otel/sdk v1.43.0
	go.opentelemetry.io/otel/trace v1.43.0
	google.golang.org/grpc v1.78.0
	google.golang.org/protobuf v1.36.11
	github.com/nats-io/nats.go v1.53.1
)
