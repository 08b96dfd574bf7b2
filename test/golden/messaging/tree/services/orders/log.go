package main

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// logger writes one JSON object per line (ts, level, msg, service, then key/value pairs),
// the format log collectors parse without a custom regex. It needs nothing newer than
// Go 1.19; on Go 1.21+ log/slog's JSONHandler is a drop-in alternative.
type logger struct {
	mu      sync.Mutex
	out     io.Writer
	service string
}

func newLogger(out io.Writer, service string) *logger { return &logger{out: out, service: service} }

func (l *logger) Info(msg string, kv ...any)  { l.log("info", msg, kv) }
func (l *logger) Warn(msg string, kv ...any)  { l.log("warn", msg, kv) }
func (l *logger) Error(msg string, kv ...any) { l.log("error", msg, kv) }

func (l *logger) log(level, msg string, kv []any) {
	line := map[string]any{
		"ts":      time.Now().UTC().Format(time.RFC3339Nano),
		"level":   level,
		"msg":     msg,
		"service": l.service,
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if key, ok := kv[i].(string); ok {
			line[key] = kv[i+1]
		}
	}
	b, err := json.Marshal(line)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.out.Write(append(b, '\n'))
}
