{{/*
Named templates of the observability additions (cn-scaffold). Prefix "obs." keeps them apart from
the chart's own "app." helpers.
*/}}

{{/*
Value of the `job` label Prometheus gives this service's series: the name of the scraped Service
(ServiceMonitor default jobLabel behaviour).
*/}}
{{- define "obs.job" -}}
{{- $m := .Values.metrics | default dict }}
{{- if $m.port }}
{{- printf "%s-metrics" (include "app.fullname" . | trunc 55 | trimSuffix "-") }}
{{- else }}
{{- include "app.fullname" . }}
{{- end }}
{{- end }}

{{/*
PromQL label matcher selecting this service's series.
*/}}
{{- define "obs.selector" -}}
namespace="{{ .Release.Namespace }}", job="{{ include "obs.job" . }}"
{{- end }}
