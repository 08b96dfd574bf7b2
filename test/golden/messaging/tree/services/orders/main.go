// Command orders is a gRPC service of shop: the example GreeterService
// plus grpc.health.v1.Health, with Prometheus metrics on a separate HTTP port (METRICS_PORT)
// and OpenTelemetry tracing when built with `-tags otel`. Process concerns (ports, signals,
// graceful shutdown) live in main; the services are in server.go so tests can run them
// in-process.
//
// The code in gen/ is generated from proto/ by ./gen.sh (see README.md).
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

const (
	serviceName = "orders"
	defaultPort = 9090
	// Prometheus scrapes plain HTTP on this port (the chart's metrics.port); 9464 is the
	// OpenTelemetry Prometheus exporter's conventional port.
	defaultMetricsPort = 9464
	// Shutdown delay + this must stay below the pod's terminationGracePeriodSeconds (30 s by
	// default), or the kubelet kills the process before the drain finishes.
	drainTimeout = 10 * time.Second
)

func parsePort(raw string) (int, error) { return parsePortVar("PORT", raw, defaultPort) }

func parsePortVar(name, raw string, def int) (int, error) {
	if raw == "" {
		return def, nil
	}
	port, err := strconv.Atoi(raw)
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("%s must be an integer between 1 and 65535, got %q", name, raw)
	}
	return port, nil
}

func main() {
	os.Exit(run())
}

func run() int {
	log := newLogger(os.Stdout, serviceName)
	port, err := parsePort(os.Getenv("PORT"))
	if err != nil {
		log.Error("startup failed", "error", err.Error())
		return 1
	}
	metricsPort, err := parsePortVar("METRICS_PORT", os.Getenv("METRICS_PORT"), defaultMetricsPort)
	if err != nil {
		log.Error("startup failed", "error", err.Error())
		return 1
	}
	delay, err := shutdownDelay()
	if err != nil {
		log.Error("startup failed", "error", err.Error())
		return 1
	}
	flushTraces, err := startTracing(context.Background(), serviceName)
	if err != nil {
		// Tracing is an aid, not a dependency: run without it rather than not at all.
		log.Warn("tracing disabled", "error", err.Error())
	} else if tracingEnabled && os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" {
		log.Info("tracing enabled", "endpoint", os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))
	}
	lis, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", port))
	if err != nil {
		log.Error("listen failed", "error", err.Error())
		return 1
	}

	// Plaintext inside the cluster: a service mesh (or your own TLS setup) adds mTLS.
	srv, hs, metrics := newServer(serviceName)
	metricsSrv := &http.Server{
		Addr:              fmt.Sprintf("0.0.0.0:%d", metricsPort),
		Handler:           metrics.handler(),
		ReadHeaderTimeout: 5 * time.Second, // guards against slow-header (Slowloris) clients
	}
	serveErr := make(chan error, 2)
	go func() {
		log.Info("listening", "port", port, "metricsPort", metricsPort)
		serveErr <- srv.Serve(lis)
	}()
	// What the building blocks add (components.go): started now, stopped after the drain.
	components := startComponents(context.Background(), log)
	go func() {
		if err := metricsSrv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
			serveErr <- err
		}
	}()

	// SIGTERM is what the kubelet sends; SIGINT is Ctrl-C.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	var sig os.Signal
	select {
	case err := <-serveErr:
		log.Error("server failed", "error", err.Error())
		return 1
	case sig = <-sigs:
	}

	// Every service reports NOT_SERVING from now on, but calls are still served for the
	// shutdown delay: the pod is only removed from the Service endpoints after its readiness
	// failed (lifecycle.go). Ctrl-C is a person at a terminal, not an endpoint controller.
	if sig != syscall.SIGTERM {
		delay = 0
	}
	log.Info("shutdown started", "signal", sig.String(), "delaySeconds", delay.Seconds())
	hs.Shutdown()
	time.Sleep(delay)
	log.Info("draining")
	// GracefulStop stops accepting new calls and waits for in-flight ones; Stop cancels
	// whatever is left once the deadline passed.
	stopped := make(chan struct{})
	go func() {
		srv.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(drainTimeout):
		log.Warn("drain deadline reached, cancelling remaining calls")
		srv.Stop()
		<-stopped
	}
	// Metrics stay scrapeable while calls drain; then flush the last spans (bounded).
	flushCtx, cancelFlush := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelFlush()
	stopComponents(flushCtx, log, components)
	_ = metricsSrv.Shutdown(flushCtx)
	if err := flushTraces(flushCtx); err != nil {
		log.Warn("trace flush failed", "error", err.Error())
	}
	log.Info("shutdown complete")
	return 0
}
