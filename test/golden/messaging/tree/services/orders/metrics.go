package main

// Prometheus metrics in the text exposition format (version 0.0.4), standard library only: a
// counter and a histogram with labels are all the generated alerts and dashboard need (request
// rate, error ratio, latency; deploy/charts/*/templates/prometheusrule.yaml). The series and
// buckets match the other skeletons, so one set of rules fits every service.
// https://prometheus.io/docs/instrumenting/exposition_formats/

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// metricsContentType is the Content-Type of GET /metrics.
const metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// defaultBuckets are the Prometheus client libraries' default histogram buckets (seconds).
var defaultBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

var labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

func formatFloat(v float64) string {
	if math.IsInf(v, +1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func formatLabels(names, values []string, extra ...string) string {
	if len(names) == 0 && len(extra) == 0 {
		return ""
	}
	parts := make([]string, 0, len(names)+len(extra)/2)
	for i, n := range names {
		parts = append(parts, n+`="`+labelEscaper.Replace(values[i])+`"`)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		parts = append(parts, extra[i]+`="`+labelEscaper.Replace(extra[i+1])+`"`)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

type metric interface{ write(w io.Writer) }

// counterVec is a counter partitioned by label values (given in labelNames order).
type counterVec struct {
	name, help string
	labelNames []string
	mu         sync.Mutex
	values     map[string]float64
	labels     map[string][]string
}

func (c *counterVec) inc(values ...string) {
	key := strings.Join(values, "\x00")
	c.mu.Lock()
	defer c.mu.Unlock()
	c.values[key]++
	c.labels[key] = values
}

func (c *counterVec) write(w io.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
	for _, key := range sortedKeys(c.values) {
		fmt.Fprintf(w, "%s%s %s\n", c.name, formatLabels(c.labelNames, c.labels[key]), formatFloat(c.values[key]))
	}
}

type histogramSeries struct {
	labels []string
	counts []uint64 // per bucket, cumulative at write time
	sum    float64
	count  uint64
}

// histogramVec is a histogram partitioned by label values.
type histogramVec struct {
	name, help string
	labelNames []string
	buckets    []float64
	mu         sync.Mutex
	series     map[string]*histogramSeries
}

func (h *histogramVec) observe(v float64, values ...string) {
	key := strings.Join(values, "\x00")
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.series[key]
	if !ok {
		s = &histogramSeries{labels: values, counts: make([]uint64, len(h.buckets))}
		h.series[key] = s
	}
	for i, b := range h.buckets {
		if v <= b {
			s.counts[i]++
		}
	}
	s.sum += v
	s.count++
}

func (h *histogramVec) write(w io.Writer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.name, h.help, h.name)
	for _, key := range sortedKeys(h.series) {
		s := h.series[key]
		for i, b := range h.buckets {
			fmt.Fprintf(w, "%s_bucket%s %d\n", h.name, formatLabels(h.labelNames, s.labels, "le", formatFloat(b)), s.counts[i])
		}
		fmt.Fprintf(w, "%s_bucket%s %d\n", h.name, formatLabels(h.labelNames, s.labels, "le", "+Inf"), s.count)
		fmt.Fprintf(w, "%s_sum%s %s\n", h.name, formatLabels(h.labelNames, s.labels), formatFloat(s.sum))
		fmt.Fprintf(w, "%s_count%s %d\n", h.name, formatLabels(h.labelNames, s.labels), s.count)
	}
}

// gaugeFunc reports a value computed at scrape time.
type gaugeFunc struct {
	name, help string
	value      func() float64
}

func (g *gaugeFunc) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", g.name, g.help, g.name, g.name, formatFloat(g.value()))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // stable output: easier to diff and test
	return keys
}

// registry renders every registered metric for GET /metrics.
type registry struct {
	mu      sync.Mutex
	metrics []metric
}

// newRegistry returns a registry with the process basics: process_start_time_seconds (the
// restart alert of the plain Prometheus rules uses it) and go_goroutines.
func newRegistry() *registry {
	r := &registry{}
	start := float64(time.Now().Unix())
	r.register(&gaugeFunc{"process_start_time_seconds", "Start time of the process since unix epoch in seconds.", func() float64 { return start }})
	r.register(&gaugeFunc{"go_goroutines", "Number of goroutines that currently exist.", func() float64 { return float64(runtime.NumGoroutine()) }})
	return r
}

func (r *registry) register(m metric) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.metrics = append(r.metrics, m)
}

func (r *registry) counter(name, help string, labelNames ...string) *counterVec {
	c := &counterVec{name: name, help: help, labelNames: labelNames, values: map[string]float64{}, labels: map[string][]string{}}
	r.register(c)
	return c
}

func (r *registry) histogram(name, help string, labelNames ...string) *histogramVec {
	h := &histogramVec{name: name, help: help, labelNames: labelNames, buckets: defaultBuckets, series: map[string]*histogramSeries{}}
	r.register(h)
	return h
}

func (r *registry) write(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.metrics {
		m.write(w)
	}
}
