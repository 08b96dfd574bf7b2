package main

// Components the building blocks add to this service (e.g. the NATS client in messaging.go), started
// once the server listens. Each one connects in the background and retries with backoff: a dependency
// that is down must not keep the service from serving or from passing its probes. On shutdown they stop
// in reverse order, after the server stopped accepting requests.

import "context"

var componentStarters = []struct {
	name  string
	start func(context.Context, *logger) (func(context.Context) error, error)
}{
	{
		name:  "messaging",
		start: startMessaging,
	},
}

type runningComponent struct {
	name string
	stop func(context.Context) error
}

func startComponents(ctx context.Context, log *logger) []runningComponent {
	var running []runningComponent
	for _, c := range componentStarters {
		stop, err := c.start(ctx, log)
		if err != nil {
			log.Error("component failed to start", "component", c.name, "error", err.Error())
			continue
		}
		running = append(running, runningComponent{c.name, stop})
	}
	return running
}

func stopComponents(ctx context.Context, log *logger, running []runningComponent) {
	for i := len(running) - 1; i >= 0; i-- {
		if err := running[i].stop(ctx); err != nil {
			log.Warn("component stop failed", "component", running[i].name, "error", err.Error())
		}
	}
}
