// Check 4: Pod Security Standards "restricted" (which includes "baseline") on every pod template, following
// the controls of k8s.io/pod-security-admission (domain.md §5.2). Node agents whose Namespace in the same
// tree enforces `privileged` are exempt, as admission would be; their findings become one warning.
import type { Tree } from '../inventory.js';
import { objectLabel } from '../inventory.js';
import { isObj } from '../util.js';

const CHECK = 'pod-security';
type O = Record<string, unknown>;

const ALLOWED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

const o = (v: unknown): O => (isObj(v) ? v : {});
const arr = (v: unknown): O[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** The pod template of a workload: [pod metadata, pod spec, runs to completion?], or undefined. */
export function podTemplate(obj: O): { meta: O; spec: O; runOnce: boolean } | undefined {
  const kind = obj.kind;
  const spec = o(obj.spec);
  const group = String(obj.apiVersion).split('/')[0];
  if (kind === 'Pod') return { meta: o(obj.metadata), spec, runOnce: ['Never', 'OnFailure'].includes(String(spec.restartPolicy)) };
  if (kind === 'PodTemplate') return { meta: o(o(obj.template).metadata), spec: o(o(obj.template).spec), runOnce: false };
  if (kind === 'CronJob') {
    const t = o(o(o(spec.jobTemplate).spec).template);
    return { meta: o(t.metadata), spec: o(t.spec), runOnce: true };
  }
  const workloads = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'];
  if ((workloads.includes(String(kind)) && !String(obj.apiVersion).includes('.')) || (kind === 'Rollout' && group === 'argoproj.io')) {
    if (!isObj(spec.template)) return undefined; // a Rollout with workloadRef has no template of its own
    return { meta: o(spec.template.metadata), spec: o(spec.template.spec), runOnce: kind === 'Job' };
  }
  return undefined;
}

/** Restricted-profile violations of one pod spec. */
export function podSecurityViolations(meta: O, spec: O): string[] {
  const v: string[] = [];
  const psc = o(spec.securityContext);
  const windows = o(spec.os).name === 'windows';
  const userNs = spec.hostUsers === false;
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (spec[f] === true) v.push(`spec.${f}: must not be true`);
  for (const vol of arr(spec.volumes)) {
    const type = Object.keys(vol).find((k) => k !== 'name');
    if (type === 'hostPath') v.push(`volume "${String(vol.name)}": hostPath volumes are forbidden`);
    else if (type && !ALLOWED_VOLUMES.has(type)) v.push(`volume "${String(vol.name)}": type ${type} is not allowed (allowed: ${[...ALLOWED_VOLUMES].join(', ')})`);
  }
  for (const s of arr(psc.sysctls)) if (!SAFE_SYSCTLS.has(String(s.name))) v.push(`spec.securityContext.sysctls: ${String(s.name)} is not a safe sysctl`);
  if (o(psc.windowsOptions).hostProcess === true) v.push('spec.securityContext.windowsOptions.hostProcess: must not be true');
  const checkSelinux = (sc: O, at: string): void => {
    const se = o(sc.seLinuxOptions);
    if (se.type !== undefined && !SELINUX_TYPES.has(String(se.type))) v.push(`${at}.seLinuxOptions.type: ${String(se.type)} is not allowed`);
    if (se.user !== undefined && se.user !== '') v.push(`${at}.seLinuxOptions.user: must not be set`);
    if (se.role !== undefined && se.role !== '') v.push(`${at}.seLinuxOptions.role: must not be set`);
  };
  const checkAppArmor = (sc: O, at: string): void => {
    const t = o(sc.appArmorProfile).type;
    if (t !== undefined && t !== 'RuntimeDefault' && t !== 'Localhost') v.push(`${at}.appArmorProfile.type: ${String(t)} is not allowed`);
  };
  checkSelinux(psc, 'spec.securityContext');
  checkAppArmor(psc, 'spec.securityContext');
  for (const [k, val] of Object.entries(o(meta.annotations))) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && val !== 'runtime/default' && !String(val).startsWith('localhost/')) {
      v.push(`annotation ${k}: ${String(val)} is not allowed`);
    }
  }
  const podSeccomp = o(psc.seccompProfile).type;
  if (podSeccomp !== undefined && podSeccomp !== 'RuntimeDefault' && podSeccomp !== 'Localhost') v.push(`spec.securityContext.seccompProfile.type: ${String(podSeccomp)} is not allowed`);
  if (!userNs && psc.runAsUser === 0) v.push('spec.securityContext.runAsUser: must not be 0');
  if (!userNs && psc.runAsNonRoot === false) v.push('spec.securityContext.runAsNonRoot: must not be false');

  const containers: [string, O][] = [];
  for (const f of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    for (const c of arr(spec[f])) containers.push([`${f}["${String(c.name)}"]`, c]);
  }
  const missingNonRoot: string[] = [];
  const missingSeccomp: string[] = [];
  for (const [at, c] of containers) {
    const sc = o(c.securityContext);
    const p = `${at}.securityContext`;
    if (sc.privileged === true) v.push(`${p}.privileged: must not be true`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') v.push(`${p}.procMount: must be Default`);
    if (o(sc.windowsOptions).hostProcess === true) v.push(`${p}.windowsOptions.hostProcess: must not be true`);
    checkSelinux(sc, p);
    checkAppArmor(sc, p);
    for (const port of arr(c.ports)) if (port.hostPort !== undefined && port.hostPort !== 0) v.push(`${at}.ports: hostPort ${String(port.hostPort)} is forbidden`);
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const pr = o(c[probe]);
      if (o(pr.httpGet).host !== undefined || o(pr.tcpSocket).host !== undefined) v.push(`${at}.${probe}: host must not be set`);
    }
    for (const h of ['postStart', 'preStop']) {
      const hk = o(o(c.lifecycle)[h]);
      if (o(hk.httpGet).host !== undefined || o(hk.tcpSocket).host !== undefined) v.push(`${at}.lifecycle.${h}: host must not be set`);
    }
    if (!userNs) {
      if (sc.runAsUser === 0) v.push(`${p}.runAsUser: must not be 0`);
      if (sc.runAsNonRoot === false) v.push(`${p}.runAsNonRoot: must not be false`);
      else if (sc.runAsNonRoot !== true && psc.runAsNonRoot !== true) missingNonRoot.push(at);
    }
    const cs = o(sc.seccompProfile).type;
    if (cs !== undefined && cs !== 'RuntimeDefault' && cs !== 'Localhost') v.push(`${p}.seccompProfile.type: ${String(cs)} is not allowed`);
    if (windows) continue; // PSA exempts Windows pods from seccomp, capabilities and privilege escalation
    if (cs === undefined && podSeccomp === undefined) missingSeccomp.push(at);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${p}.allowPrivilegeEscalation: must be false`);
    const caps = o(sc.capabilities);
    const drop = Array.isArray(caps.drop) ? caps.drop.map(String) : [];
    if (!drop.includes('ALL')) v.push(`${p}.capabilities.drop: must include "ALL"`);
    const add = Array.isArray(caps.add) ? caps.add.map(String) : [];
    const extra = add.filter((x) => x !== 'NET_BIND_SERVICE');
    if (extra.length) v.push(`${p}.capabilities.add: only NET_BIND_SERVICE may be added, found ${extra.join(', ')}`);
  }
  if (missingNonRoot.length) v.push(`runAsNonRoot: must be true in spec.securityContext or in ${missingNonRoot.join(', ')}`);
  if (missingSeccomp.length) v.push(`seccompProfile.type: must be RuntimeDefault or Localhost in spec.securityContext or in ${missingSeccomp.join(', ')}`);
  return v;
}

function goodPractice(spec: O, runOnce: boolean): string[] {
  const w: string[] = [];
  for (const c of arr(spec.containers)) {
    const at = `containers["${String(c.name)}"]`;
    const r = o(c.resources);
    if (o(r.requests).cpu === undefined) w.push(`${at}: no resources.requests.cpu`);
    if (o(r.requests).memory === undefined) w.push(`${at}: no resources.requests.memory`);
    if (o(r.limits).memory === undefined) w.push(`${at}: no resources.limits.memory`);
    if (!runOnce && (c.livenessProbe === undefined || c.readinessProbe === undefined)) w.push(`${at}: missing liveness/readiness probe`);
    const image = typeof c.image === 'string' ? c.image : '';
    const last = image.split('/').pop() ?? '';
    if (!image) w.push(`${at}: empty image`);
    else if (!image.includes('@') && (!last.includes(':') || last.endsWith(':latest'))) w.push(`${at}: image "${image}" is not pinned to a tag or digest`);
  }
  return w;
}

export function checkPodSecurity(trees: Tree[]): void {
  for (const tree of trees) {
    const privileged = new Set(
      tree.objects
        .filter(({ obj }) => obj.kind === 'Namespace' && o(o(obj.metadata).labels)['pod-security.kubernetes.io/enforce'] === 'privileged')
        .map(({ obj }) => String(o(obj.metadata).name)),
    );
    for (const { obj, file, via } of tree.objects) {
      const t = podTemplate(obj);
      if (!t) continue;
      const where = via ? `${file} (${via})` : file;
      const label = objectLabel(obj);
      tree.rep.checked(CHECK);
      const violations = podSecurityViolations(t.meta, t.spec);
      const ns = o(obj.metadata).namespace;
      if (violations.length && typeof ns === 'string' && privileged.has(ns)) {
        tree.rep.warn(CHECK, where, label, `[exempt] namespace ${ns} enforces "privileged": ${violations.join('; ')}`);
      } else {
        for (const m of violations) tree.rep.fail(CHECK, where, label, m);
      }
      for (const m of goodPractice(t.spec, t.runOnce)) tree.rep.warn(CHECK, where, label, m);
    }
  }
}
