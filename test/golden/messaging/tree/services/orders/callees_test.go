package main

// The callee client (callees.go) against local stub servers: the env contract is read, refused or
// overloaded requests are retried with backoff, and a failing callee is an error within the deadline.

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"
	"time"
)

// stub answers with the given statuses in turn (the last one repeats) and counts requests.
func stub(t *testing.T, statuses ...int) (*httptest.Server, *int64) {
	t.Helper()
	var hits int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := atomic.AddInt64(&hits, 1)
		i := int(n) - 1
		if i >= len(statuses) {
			i = len(statuses) - 1
		}
		w.WriteHeader(statuses[i])
		_, _ = w.Write([]byte(`{"service":"stub"}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestCalleesFromEnv(t *testing.T) {
	env := map[string]string{"CALLEES": "orders,payments-api", "ORDERS_URL": "http://orders:8080/", "ORDERS_TIMEOUT_MS": "500", "ORDERS_RETRIES": "1", "PAYMENTS_API_ADDR": "dns:///p:9090"}
	got := calleesFromEnv(func(k string) string { return env[k] })
	want := []callee{
		{Name: "orders", Protocol: "http", Target: "http://orders:8080", Timeout: 500 * time.Millisecond, Retries: 1},
		{Name: "payments-api", Protocol: "grpc", Target: "dns:///p:9090", Timeout: 2 * time.Second, Retries: 2},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("calleesFromEnv = %+v, want %+v", got, want)
	}
}

func TestRetriesA503(t *testing.T) {
	srv, hits := stub(t, 503, 503, 200)
	res, err := callService(context.Background(), srv.Client(), callee{Name: "orders", Protocol: "http", Target: srv.URL, Timeout: 2 * time.Second, Retries: 2}, "/")
	if err != nil || res.Status != 200 || res.Attempts != 3 || atomic.LoadInt64(hits) != 3 {
		t.Fatalf("got %+v, %v after %d hits; want 200 on the third attempt", res, err, atomic.LoadInt64(hits))
	}
}

func TestFailingCalleeIsAnErrorAfterTheRetries(t *testing.T) {
	srv, hits := stub(t, 503)
	started := time.Now()
	_, err := callService(context.Background(), srv.Client(), callee{Name: "orders", Protocol: "http", Target: srv.URL, Timeout: 3 * time.Second, Retries: 2}, "/")
	var ce *callError
	if !errors.As(err, &ce) || ce.Attempts != 3 || ce.Status != 503 || atomic.LoadInt64(hits) != 3 {
		t.Fatalf("got %v after %d hits; want a callError after 3 attempts", err, atomic.LoadInt64(hits))
	}
	if took := time.Since(started); took >= 3*time.Second {
		t.Fatalf("took %s, beyond the deadline", took)
	}
}

func TestSlowCalleeIsAnErrorAtTheDeadline(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(block); srv.Close() })
	started := time.Now()
	_, err := callService(context.Background(), srv.Client(), callee{Name: "slow", Protocol: "http", Target: srv.URL, Timeout: 300 * time.Millisecond, Retries: 5}, "/")
	if took := time.Since(started); err == nil || took < 290*time.Millisecond || took > 1500*time.Millisecond {
		t.Fatalf("got %v after %s; want an error at about 300ms", err, took)
	}
}
