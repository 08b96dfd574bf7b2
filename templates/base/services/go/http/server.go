package main

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
)

// app holds the HTTP handlers and the readiness state shared with main.
type app struct {
	service      string
	shuttingDown atomic.Bool
}

func newApp(service string) *app { return &app{service: service} }

// beginShutdown flips readiness so the endpoint is removed from the Service while
// in-flight requests drain.
func (a *app) beginShutdown() { a.shuttingDown.Store(true) }

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
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" { // "/" is the catch-all pattern of ServeMux
			writeJSON(w, r, http.StatusNotFound, map[string]string{"error": "not found"})
			return
		}
		writeJSON(w, r, http.StatusOK, map[string]string{"service": a.service, "message": "hello from " + a.service})
	})
	return mux
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
