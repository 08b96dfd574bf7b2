package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestProbes(t *testing.T) {
	a := newApp("svc")
	h := a.routes()
	if got := get(t, h, http.MethodGet, "/healthz").Code; got != http.StatusOK {
		t.Fatalf("/healthz = %d, want 200", got)
	}
	if got := get(t, h, http.MethodGet, "/readyz").Code; got != http.StatusOK {
		t.Fatalf("/readyz before shutdown = %d, want 200", got)
	}
	a.beginShutdown()
	if got := get(t, h, http.MethodGet, "/readyz").Code; got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz after shutdown began = %d, want 503", got)
	}
	if got := get(t, h, http.MethodGet, "/healthz").Code; got != http.StatusOK {
		t.Fatalf("/healthz while draining = %d, want 200 (the process is alive)", got)
	}
}

func TestRoot(t *testing.T) {
	rec := get(t, newApp("svc").routes(), http.MethodGet, "/")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET / = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["service"] != "svc" {
		t.Fatalf("GET / body = %q (%v)", rec.Body.String(), err)
	}
	if got := get(t, newApp("svc").routes(), http.MethodGet, "/nope").Code; got != http.StatusNotFound {
		t.Fatalf("GET /nope = %d, want 404", got)
	}
	if got := get(t, newApp("svc").routes(), http.MethodPost, "/").Code; got != http.StatusMethodNotAllowed {
		t.Fatalf("POST / = %d, want 405", got)
	}
}

func TestParsePort(t *testing.T) {
	if p, err := parsePort(""); err != nil || p != defaultPort {
		t.Fatalf("parsePort(\"\") = %d, %v", p, err)
	}
	for _, bad := range []string{"0", "70000", "http"} {
		if _, err := parsePort(bad); err == nil {
			t.Fatalf("parsePort(%q) accepted", bad)
		}
	}
}

func TestLoggerWritesJSONLines(t *testing.T) {
	var buf bytes.Buffer
	newLogger(&buf, "svc").Info("hello", "port", 8080)
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("not JSON: %q", buf.String())
	}
	for _, k := range []string{"ts", "level", "msg", "service", "port"} {
		if _, ok := line[k]; !ok {
			t.Fatalf("missing %q in %v", k, line)
		}
	}
}

func TestMetrics(t *testing.T) {
	h := newApp("svc").routes()
	get(t, h, http.MethodGet, "/")
	get(t, h, http.MethodGet, "/nope")
	rec := get(t, h, http.MethodGet, "/metrics")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("GET /metrics = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	for _, want := range []string{
		`http_requests_total{method="GET",route="/",status="200"} 1`,
		`http_requests_total{method="GET",route="other",status="404"} 1`,
		`http_request_duration_seconds_bucket{method="GET",route="/",le="+Inf"} 1`,
		`http_request_duration_seconds_count{method="GET",route="/"} 1`,
		"# TYPE process_start_time_seconds gauge",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
}
