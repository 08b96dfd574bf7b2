{{/*
Named templates of the observability additions (cn-scaffold). Prefix "obs." keeps them apart from
the chart's own "app." helpers.
*/}}

{{/*
Value of the `job` label Prometheus gives this service's series: the Helm release, i.e. the pods'
app.kubernetes.io/instance label. The ServiceMonitor takes it from that label of the scraped Service
(jobLabel), the plain Prometheus configuration from the pod label, so it is the same whichever
Service (<name>-metrics, Flagger's <name>-canary/<name>-primary) or pod the series come from.
*/}}
{{- define "obs.job" -}}
{{- .Release.Name }}
{{- end }}

{{/*
PromQL label matcher selecting this service's series.
*/}}
{{- define "obs.selector" -}}
namespace="{{ .Release.Namespace }}", job="{{ include "obs.job" . }}"
{{- end }}

{{/*
PromQL label matcher excluding what is not the service's traffic: Kubernetes probes and Prometheus
scrapes (HTTP routes /healthz, /readyz, /metrics) and the gRPC health and reflection services. Every
request counts alike in the skeletons' series, so without it probes would dilute the error ratio.
*/}}
{{- define "obs.traffic" -}}
{{- if eq .Values.protocol "grpc" -}}
grpc_service!~"grpc[.](health|reflection)[.].+"
{{- else -}}
route!~"/healthz|/readyz|/metrics"
{{- end }}
{{- end }}
