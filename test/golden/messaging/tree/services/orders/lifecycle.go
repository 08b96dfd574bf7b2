package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"time"
)

// shutdownDelay is how long the server keeps accepting and answering requests after SIGTERM
// while its readiness already fails (SHUTDOWN_DELAY_SECONDS, default 5). Endpoint removal in
// Kubernetes is asynchronous: kube-proxy, load balancers and meshes keep sending new requests
// for a moment after the pod started terminating, and a server that stops listening at once
// drops them. The chart's preStop sleep covers the same gap before SIGTERM; this delay also
// covers clusters where the sleep action is unavailable, and `docker stop`. Delay + drain
// (10 s) must stay below the pod's terminationGracePeriodSeconds (30 s).
func shutdownDelay() (time.Duration, error) {
	raw := os.Getenv("SHUTDOWN_DELAY_SECONDS")
	if raw == "" {
		return 5 * time.Second, nil
	}
	seconds, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(seconds) || seconds < 0 || seconds > 60 {
		return 0, fmt.Errorf("SHUTDOWN_DELAY_SECONDS must be a number of seconds between 0 and 60, got %q", raw)
	}
	return time.Duration(seconds * float64(time.Second)), nil
}
