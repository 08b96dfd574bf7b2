package main

import (
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

// app holds the HTTP handlers, the readiness state shared with main and the metrics.
type app struct {
	service      string
	shuttingDown atomic.Bool
	metrics      *registry
	requests     *counterVec
	duration     *histogramVec
	// callees come from the env contract (callees.go); GET /callees calls each HTTP one.
	callees []callee
	client  *http.Client
}

func newApp(service string) *app {
	reg := newRegistry()
	return &app{
		service:  service,
		callees:  calleesFromEnv(os.Getenv),
		client:   &http.Client{},
		metrics:  reg,
		requests: reg.counter("http_requests_total", "HTTP requests handled, by method, route and status code.", "method", "route", "status"),
		duration: reg.histogram("http_request_duration_seconds", "Time to answer HTTP requests, in seconds.", "method", "route"),
	}
}

// beginShutdown flips readiness so the endpoint is removed from the Service while
// in-flight requests drain.
func (a *app) beginShutdown() { a.shuttingDown.Store(true) }

// knownRoutes keep their path as the route label; anything else is "other", so a scan
// cannot create unbounded series.
var knownRoutes = map[string]bool{"/": true, "/callees": true, "/healthz": true, "/readyz": true, "/metrics": true}

// untraced routes are counted but get no span: probes and scrapes would drown real traffic.
var untraced = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		// Liveness: answering at all proves the process is alive.
		writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if a.shuttingDown.Load() {
			writeJSON(w, r, http.StatusServiceUnavailable, map[string]string{"status": "shutting down"})
			return
		}
		writeJSON(w, r, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeJSON(w, r, http.StatusMethodNotAllowed, nil)
			return
		}
		w.Header().Set("Content-Type", metricsContentType)
		a.metrics.write(w)
	})
	mux.HandleFunc("/callees", func(w http.ResponseWriter, r *http.Request) {
		// One GET / per HTTP callee (callees.go): 200 when every callee answered, else 502.
		report := callAll(r.Context(), a.client, a.callees)
		status := http.StatusOK
		for _, c := range report {
			if !c.OK {
				status = http.StatusBadGateway
			}
		}
		writeJSON(w, r, status, map[string]any{"service": a.service, "callees": report})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" { // "/" is the catch-all pattern of ServeMux
			writeJSON(w, r, http.StatusNotFound, map[string]string{"error": "not found"})
			return
		}
		writeJSON(w, r, http.StatusOK, map[string]string{"service": a.service, "message": "hello from " + a.service})
	})
	return a.instrument(mux)
}

// statusRecorder remembers the status code the handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// instrument counts and times every request and, when tracing is on (tracing_otel.go),
// wraps it in a server span that continues the caller's W3C trace context.
func (a *app) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		route := "other"
		if knownRoutes[r.URL.Path] {
			route = r.URL.Path
		}
		end := func(int) {}
		if !untraced[r.URL.Path] {
			r, end = startServerSpan(r, route)
		}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		a.requests.inc(r.Method, route, strconv.Itoa(rec.status))
		a.duration.observe(time.Since(started).Seconds(), r.Method, route)
		end(rec.status)
	})
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, body any) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		status, body = http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
