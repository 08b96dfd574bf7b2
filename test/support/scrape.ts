// Test helper: what Prometheus would scrape in a cluster, for a real Prometheus without one. Pods are
// local processes; Services are the rendered ones plus those the delivery controllers create (their
// upstream logic, cited below). Targets carry the __meta_kubernetes_* labels Kubernetes service
// discovery gives them, and the GENERATED relabelling decides what is kept and how it is labelled:
// - ServiceMonitor: the relabel_configs the Prometheus Operator generates for it
//   (prometheus-operator pkg/prometheus/promcfg.go generateServiceMonitorConfig, role endpointslice);
// - plain Prometheus: the generated prometheus.yml's own kubernetes-pods job, role pod.
import type { K8sObject } from './charts.js';

export interface Pod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Container port name -> the local port the process listens on. */
  ports: Record<string, { containerPort: number; local: number }>;
}
export interface Service {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
  ports: { name: string; port: number; targetPort: number | string }[];
}
interface StaticGroup {
  targets: string[];
  labels: Record<string, string>;
}

const sanitize = (l: string): string => l.replace(/[^a-zA-Z0-9_]/g, '_');
const metaLabels = (prefix: string, labels: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(labels).flatMap(([k, v]) => [[`${prefix}_label_${sanitize(k)}`, v], [`${prefix}_labelpresent_${sanitize(k)}`, 'true']]));

export const serviceFrom = (o: K8sObject, namespace: string): Service => ({
  name: o['metadata']['name'],
  namespace,
  labels: o['metadata']['labels'] ?? {},
  selector: o['spec']['selector'] ?? {},
  ports: o['spec']['ports'].map((p: K8sObject) => ({ name: p['name'], port: p['port'], targetPort: p['targetPort'] ?? p['port'] })),
});

/** Endpoint targets of every Service port and every pod it selects (what endpointslice discovery lists). */
function endpointTargets(services: Service[], pods: Pod[]): StaticGroup[] {
  const groups: StaticGroup[] = [];
  for (const s of services) {
    for (const pod of pods) {
      if (pod.namespace !== s.namespace || !Object.entries(s.selector).every(([k, v]) => pod.labels[k] === v)) continue;
      for (const port of s.ports) {
        const entry = Object.entries(pod.ports).find(([name, p]) => (typeof port.targetPort === 'number' ? p.containerPort === port.targetPort : name === port.targetPort));
        if (!entry) continue;
        groups.push({
          targets: [`127.0.0.1:${entry[1].local}`],
          labels: {
            __meta_kubernetes_namespace: s.namespace,
            __meta_kubernetes_service_name: s.name,
            ...metaLabels('__meta_kubernetes_service', s.labels),
            __meta_kubernetes_endpointslice_port_name: port.name,
            __meta_kubernetes_endpointslice_address_target_kind: 'Pod',
            __meta_kubernetes_endpointslice_address_target_name: pod.name,
            __meta_kubernetes_pod_name: pod.name,
            __meta_kubernetes_pod_container_name: 'app',
            __meta_kubernetes_pod_phase: 'Running',
            ...metaLabels('__meta_kubernetes_pod', pod.labels),
          },
        });
      }
    }
  }
  return groups;
}

/** prometheus-operator's relabel_configs for one ServiceMonitor endpoint, then the endpoint's own relabelings. */
function operatorRelabelings(sm: K8sObject, ep: K8sObject): Record<string, unknown>[] {
  const r: Record<string, unknown>[] = [];
  for (const k of Object.keys(sm['spec']['selector']['matchLabels'] ?? {}).sort()) {
    r.push({ action: 'keep', source_labels: [`__meta_kubernetes_service_label_${sanitize(k)}`, `__meta_kubernetes_service_labelpresent_${sanitize(k)}`], regex: `(${sm['spec']['selector']['matchLabels'][k]});true` });
  }
  if ((sm['spec']['selector']['matchExpressions'] ?? []).length) throw new Error('matchExpressions: not modelled');
  r.push({ action: 'keep', source_labels: ['__meta_kubernetes_endpointslice_port_name'], regex: ep['port'] });
  const kindName = ['__meta_kubernetes_endpointslice_address_target_kind', '__meta_kubernetes_endpointslice_address_target_name'];
  r.push({ source_labels: kindName, separator: ';', regex: 'Node;(.*)', replacement: '${1}', target_label: 'node' });
  r.push({ source_labels: kindName, separator: ';', regex: 'Pod;(.*)', replacement: '${1}', target_label: 'pod' });
  r.push({ source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' });
  r.push({ source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' });
  r.push({ source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' });
  r.push({ source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' });
  r.push({ action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' });
  r.push({ source_labels: ['__meta_kubernetes_service_name'], target_label: 'job', replacement: '${1}' });
  if (sm['spec']['jobLabel']) r.push({ source_labels: [`__meta_kubernetes_service_label_${sanitize(sm['spec']['jobLabel'])}`], target_label: 'job', regex: '(.+)', replacement: '${1}' });
  r.push({ target_label: 'endpoint', replacement: ep['port'] });
  for (const u of ep['relabelings'] ?? []) {
    const c: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(u as Record<string, unknown>)) c[k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)] = v;
    r.push(c);
  }
  return r;
}

/** Scrape jobs of a rendered ServiceMonitor over the simulated Services and pods. */
export function serviceMonitorJobs(sm: K8sObject, services: Service[], pods: Pod[]): Record<string, unknown>[] {
  const ns: string[] = sm['spec']['namespaceSelector']['matchNames'];
  return (sm['spec']['endpoints'] as K8sObject[]).map((ep, i) => ({
    job_name: `serviceMonitor/${ns[0]}/${sm['metadata']['name']}/${i}`,
    metrics_path: ep['path'],
    static_configs: endpointTargets(services.filter((s) => ns.includes(s.namespace)), pods),
    relabel_configs: operatorRelabelings(sm, ep),
  }));
}

/** The generated plain-Prometheus job (role pod) with the pods as static targets instead of discovery. */
export function podDiscoveryJob(generated: Record<string, any>, namespace: string, pods: Pod[]): Record<string, unknown> {
  const { kubernetes_sd_configs: _sd, ...job } = generated;
  return {
    ...job,
    job_name: `${generated['job_name']}/${namespace}`,
    static_configs: pods
      .filter((p) => p.namespace === namespace)
      .map((p) => ({
        // Pod discovery lists the pod's IP and first container port; the annotations relabelling picks the port.
        targets: [`127.0.0.1:${Object.values(p.ports)[0]!.local}`],
        labels: {
          __meta_kubernetes_namespace: p.namespace,
          __meta_kubernetes_pod_name: p.name,
          __meta_kubernetes_pod_phase: 'Running',
          ...metaLabels('__meta_kubernetes_pod', p.labels),
          ...Object.fromEntries(Object.entries(p.annotations).flatMap(([k, v]) => [[`__meta_kubernetes_pod_annotation_${sanitize(k)}`, v], [`__meta_kubernetes_pod_annotationpresent_${sanitize(k)}`, 'true']])),
        },
      })),
  };
}

/**
 * The Services Flagger creates for a Canary with the kubernetes provider: <svc> (apex, primary pods),
 * <svc>-primary and <svc>-canary, labelled with spec.service.{apex,primary,canary}.labels plus the
 * selector label set to the Service name (fluxcd/flagger pkg/router/kubernetes_default.go
 * reconcileService); ports: spec.service.port/portName, plus with portDiscovery every container port
 * but the target port, named after it (pkg/canary/util.go getPorts).
 */
export function flaggerServices(canary: K8sObject, deployment: K8sObject, namespace: string): Service[] {
  const { label, value } = flaggerSelector(deployment);
  const s = canary['spec']['service'];
  const name: string = s['name'] ?? canary['spec']['targetRef']['name'];
  const ports: Service['ports'] = [{ name: s['portName'] ?? 'http', port: s['port'], targetPort: s['targetPort'] ?? s['port'] }];
  if (s['portDiscovery']) {
    for (const p of deployment['spec']['template']['spec']['containers'][0]['ports'] as K8sObject[]) {
      const isTarget = typeof s['targetPort'] === 'string' ? p['name'] === s['targetPort'] : p['containerPort'] === (s['targetPort'] ?? s['port']);
      if (!isTarget) ports.push({ name: p['name'], port: p['containerPort'], targetPort: p['containerPort'] });
    }
  }
  const make = (svc: string, meta: K8sObject | undefined, podValue: string): Service => ({
    name: svc,
    namespace,
    labels: { ...(meta?.['labels'] ?? {}), [label]: svc },
    selector: { [label]: podValue },
    ports,
  });
  return [make(name, s['apex'], `${value}-primary`), make(`${name}-primary`, s['primary'], `${value}-primary`), make(`${name}-canary`, s['canary'], value)];
}

/** Flagger's selector label: the first of app, name, app.kubernetes.io/name in the target's matchLabels (--selector-labels default). */
export function flaggerSelector(deployment: K8sObject): { label: string; value: string } {
  const match = deployment['spec']['selector']['matchLabels'] as Record<string, string>;
  const label = ['app', 'name', 'app.kubernetes.io/name'].find((l) => l in match);
  if (!label) throw new Error('Flagger needs app, name or app.kubernetes.io/name in the selector');
  return { label, value: match[label]! };
}

/** Pod labels of the primary copy: the template's, with the selector label's value suffixed -primary (makePrimaryLabels). */
export function flaggerPrimaryLabels(deployment: K8sObject): Record<string, string> {
  const { label, value } = flaggerSelector(deployment);
  return { ...deployment['spec']['template']['metadata']['labels'], [label]: `${value}-primary` };
}
