package main

// Calls to the services this one depends on (its callees), found through the environment that the
// chart (deploy/charts/<service>/values.yaml) and compose.yaml set from `calls` in cn-scaffold.yaml:
//
//	CALLEES=orders,payments            the callee names
//	ORDERS_URL=http://orders...:8080   an HTTP callee's base URL
//	PAYMENTS_ADDR=dns:///...:9091      a gRPC callee's target (for a generated gRPC client)
//	<NAME>_TIMEOUT_MS, <NAME>_RETRIES  the deadline of one call, retries included, and the retries
//
// Standard library only. Readiness never depends on callees: a service that is up answers /readyz
// even when a callee is down, so one failure does not cascade into restarts.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	defaultCallTimeout = 2 * time.Second
	defaultCallRetries = 2
	backoffBase        = 100 * time.Millisecond
	backoffMax         = time.Second
)

// callee is one service this one calls.
type callee struct {
	Name     string
	Protocol string // "http" or "grpc"
	Target   string // base URL (http) or gRPC target (grpc)
	Timeout  time.Duration
	Retries  int
}

type callResult struct {
	Status   int
	Body     []byte
	Attempts int
}

// callError is a call that failed after its retries, or ran out of time.
type callError struct {
	msg      string
	Attempts int
	Status   int
}

func (e *callError) Error() string { return e.msg }

func envInt(getenv func(string) string, key string, fallback int) int {
	if n, err := strconv.Atoi(getenv(key)); err == nil && n >= 0 {
		return n
	}
	return fallback
}

// calleesFromEnv returns the callees declared in the environment, in the order of CALLEES.
func calleesFromEnv(getenv func(string) string) []callee {
	var out []callee
	for _, name := range strings.Split(getenv("CALLEES"), ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		p := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		c := callee{
			Name:    name,
			Timeout: time.Duration(envInt(getenv, p+"_TIMEOUT_MS", int(defaultCallTimeout/time.Millisecond))) * time.Millisecond,
			Retries: envInt(getenv, p+"_RETRIES", defaultCallRetries),
		}
		if url := getenv(p + "_URL"); url != "" {
			c.Protocol, c.Target = "http", strings.TrimRight(url, "/")
		} else if addr := getenv(p + "_ADDR"); addr != "" {
			c.Protocol, c.Target = "grpc", addr
		} else {
			continue
		}
		out = append(out, c)
	}
	return out
}

// retryable statuses: the callee was unreachable, overloaded or restarting.
func retryable(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// callService does GET path on an HTTP callee. One deadline (c.Timeout) covers every attempt; a
// connection error, an attempt that timed out or a 502/503/504 is retried up to c.Retries times after
// an exponential backoff (100 ms, 200 ms, 400 ms... at most 1 s, with jitter). It returns the first
// answer that is not retried (any status: the caller decides), or a *callError when the retries or the
// time are used up.
func callService(ctx context.Context, client *http.Client, c callee, path string) (callResult, error) {
	if c.Protocol != "http" {
		return callResult{}, &callError{msg: fmt.Sprintf("%s is a gRPC service: call it with a generated gRPC client at %s", c.Name, c.Target)}
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	last, status := "no attempt made", 0
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil {
			return callResult{}, &callError{msg: fmt.Sprintf("%s: timed out after %s (%d attempts; last: %s)", c.Name, c.Timeout, attempt-1, last), Attempts: attempt - 1, Status: status}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Target+path, nil)
		if err != nil {
			return callResult{}, &callError{msg: fmt.Sprintf("%s: %v", c.Name, err)}
		}
		req.Header.Set("Accept", "application/json")
		res, err := client.Do(req)
		if err == nil {
			body, readErr := io.ReadAll(io.LimitReader(res.Body, 1<<20))
			res.Body.Close()
			if readErr == nil && !retryable(res.StatusCode) {
				return callResult{Status: res.StatusCode, Body: body, Attempts: attempt}, nil
			}
			status, last = res.StatusCode, "HTTP "+strconv.Itoa(res.StatusCode)
		} else {
			last = err.Error()
		}
		if attempt > c.Retries {
			return callResult{}, &callError{msg: fmt.Sprintf("%s: failed after %d attempts (last: %s)", c.Name, attempt, last), Attempts: attempt, Status: status}
		}
		backoff := backoffBase << (attempt - 1)
		if backoff > backoffMax {
			backoff = backoffMax
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff/2 + time.Duration(rand.Int63n(int64(backoff/2)+1))):
		}
	}
}

// calleeReport is one line of GET /callees.
type calleeReport struct {
	Name     string `json:"name"`
	Protocol string `json:"protocol"`
	Target   string `json:"target"`
	OK       bool   `json:"ok"`
	Status   int    `json:"status,omitempty"`
	Attempts int    `json:"attempts,omitempty"`
	Body     any    `json:"body,omitempty"`
	Error    string `json:"error,omitempty"`
}

// callAll calls GET / on every HTTP callee at once and reports each answer (served at GET /callees).
// gRPC callees are listed, not called: wire the generated client there.
func callAll(ctx context.Context, client *http.Client, callees []callee) []calleeReport {
	out := make([]calleeReport, len(callees))
	var wg sync.WaitGroup
	for i, c := range callees {
		out[i] = calleeReport{Name: c.Name, Protocol: c.Protocol, Target: c.Target}
		if c.Protocol != "http" {
			out[i].OK, out[i].Error = true, "not called: use the generated gRPC client"
			continue
		}
		wg.Add(1)
		go func(r *calleeReport, c callee) {
			defer wg.Done()
			res, err := callService(ctx, client, c, "/")
			if err != nil {
				ce := err.(*callError)
				r.Attempts, r.Status, r.Error = ce.Attempts, ce.Status, ce.Error()
				return
			}
			r.OK, r.Status, r.Attempts = res.Status < 400, res.Status, res.Attempts
			var body any
			if json.Unmarshal(res.Body, &body) == nil {
				r.Body = body
			} else {
				r.Body = string(res.Body)
			}
		}(&out[i], c)
	}
	wg.Wait()
	return out
}
