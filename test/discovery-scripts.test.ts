// The discovery category's scripts, run for real with a fake kubectl/nslookup on PATH: the kubeadm zone
// installer appends its server block once (re-runs replace it, the rest of the Corefile is kept), the
// coredns-custom installer writes only its key, make dns-check fails exactly when a name does not
// resolve, and the dns-check pod's own script checks every name (and NodeLocal DNSCache when on).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { catalog } from '../src/catalog/registry.js';
import { readAnswersText } from '../src/config/sources.js';
import { renderProject } from '../src/generate.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'cn-discovery-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Renders a project and writes the given files of it under a fresh directory. */
function generate(extra: string, files: string[]): string {
  const raw = readAnswersText(`project: { name: shop }\nservices:\n  - { name: web, language: node, port: 8080, protocol: http, calls: [orders] }\n  - { name: orders, language: go, port: 9090, protocol: grpc }\n${extra}`, 'answers.yaml');
  const { tree } = renderProject(raw, catalog);
  const dir = mkdtempSync(path.join(work, 'repo-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), tree.get(f)!.content);
  }
  return dir;
}

/** A directory with executables named after the commands, each a bash script. */
function fakeBin(scripts: Record<string, string>): string {
  const bin = mkdtempSync(path.join(work, 'bin-'));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  return bin;
}
const run = (cmd: string, args: string[], bin: string, env: Record<string, string> = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}` }, timeout: 30_000 });

const ZONES = 'discovery: { coredns: { zones: [{ zone: corp.example.com, servers: [10.0.0.53] }] FLAVOR } }';
const COREFILE = '.:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n    reload\n}\n';

// kubectl: the ConfigMaps live as files in $STATE; `create configmap NAME --from-file=KEY=PATH` records
// what `apply` will store, as a real dry-run + apply would.
const KUBECTL = `
echo "$*" >>"$STATE/calls"
case "$*" in
  *"get configmap coredns -o jsonpath"*) cat "$STATE/Corefile" ;;
  *"create configmap"*) for a in "$@"; do case "$a" in --from-file=*) spec="\${a#--from-file=}"; key="\${spec%%=*}"; src="\${spec#*=}"; cp "$src" "$STATE/pending.$key";; esac; done; echo pending ;;
  *"apply --server-side"*) cat >/dev/null; for f in "$STATE"/pending.*; do mv "$f" "$STATE/\${f##*/pending.}"; done ;;
esac`;

describe('forward zones installer', () => {
  test('kubeadm: the server block is appended once between markers; a re-run replaces it and keeps the rest', () => {
    const dir = generate(ZONES.replace('FLAVOR', ''), ['deploy/dns/coredns/install.sh', 'deploy/dns/coredns/shop.server']);
    const state = mkdtempSync(path.join(work, 'state-'));
    writeFileSync(path.join(state, 'Corefile'), COREFILE);
    const bin = fakeBin({ kubectl: KUBECTL });
    for (let i = 0; i < 2; i++) {
      const r = run('bash', [path.join(dir, 'deploy/dns/coredns/install.sh')], bin, { STATE: state });
      expect(r.status, r.stderr).toBe(0);
    }
    const corefile = readFileSync(path.join(state, 'Corefile'), 'utf8');
    expect(corefile.startsWith(COREFILE)).toBe(true);
    expect(corefile.match(/# BEGIN cn-scaffold shop\.server/g)).toHaveLength(1);
    expect(corefile).toMatch(/# BEGIN cn-scaffold shop\.server\n[\s\S]*corp\.example\.com:53 \{[\s\S]*forward \. 10\.0\.0\.53\n\}\n# END cn-scaffold shop\.server\n$/);
  });

  test('aks: only the coredns-custom key is written, then CoreDNS restarts', () => {
    const dir = generate(ZONES.replace('FLAVOR', ', flavor: aks'), ['deploy/dns/coredns/install.sh', 'deploy/dns/coredns/shop.server']);
    const state = mkdtempSync(path.join(work, 'state-'));
    const bin = fakeBin({ kubectl: KUBECTL });
    const r = run('bash', [path.join(dir, 'deploy/dns/coredns/install.sh')], bin, { STATE: state });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(path.join(state, 'shop.server'), 'utf8')).toContain('corp.example.com:53 {');
    const calls = readFileSync(path.join(state, 'calls'), 'utf8');
    expect(calls).toMatch(/create configmap coredns-custom/);
    expect(calls).not.toMatch(/get configmap coredns /);
    expect(calls).toMatch(/rollout restart deployment coredns/);
  });
});

describe('make dns-check', () => {
  test('passes when the pod succeeds, fails when it fails, and always removes the pod', () => {
    const dir = generate('', ['deploy/dns/dns-check.sh', 'deploy/dns/dns-check.yaml']);
    for (const phase of ['Succeeded', 'Failed']) {
      const state = mkdtempSync(path.join(work, 'state-'));
      const bin = fakeBin({ kubectl: `echo "$*" >>"$STATE/calls"\ncase "$*" in *"get pod"*) echo ${phase} ;; *logs*) echo "ok web" ;; esac`, sleep: 'exit 0' });
      const r = run('bash', [path.join(dir, 'deploy/dns/dns-check.sh')], bin, { STATE: state });
      expect(r.status).toBe(phase === 'Succeeded' ? 0 : 1);
      const calls = readFileSync(path.join(state, 'calls'), 'utf8').trim().split('\n');
      expect(calls[1]).toMatch(/^apply -f deploy\/dns\/dns-check\.yaml$/);
      expect(calls.at(-1)).toMatch(/delete pod dns-check --ignore-not-found/);
    }
  });

  test.each([
    ['every name resolves', '', 0],
    ['a name does not resolve', 'orders-headless', 1],
  ])('the pod script: %s', (_name, failing, code) => {
    const dir = generate('discovery: { coredns: { nodeLocalDNS: on } }', ['deploy/dns/dns-check.yaml']);
    const pod = load(readFileSync(path.join(dir, 'deploy/dns/dns-check.yaml'), 'utf8')) as any;
    const c = pod.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const state = mkdtempSync(path.join(work, 'state-'));
    const bin = fakeBin({ nslookup: `echo "$*" >>"$STATE/lookups"\n[ -n "$FAILING" ] && case "$1" in "$FAILING".*) exit 1 ;; esac\nexit 0` });
    const r = run(c.command[0], c.command.slice(1), bin, { ...env, STATE: state, FAILING: failing });
    expect(r.status).toBe(code);
    const lookups = readFileSync(path.join(state, 'lookups'), 'utf8').trim().split('\n');
    // Each name through the cluster DNS, then through NodeLocal DNSCache.
    expect(lookups).toEqual([
      'web.shop.svc.cluster.local',
      'web.shop.svc.cluster.local 169.254.20.10',
      'orders.shop.svc.cluster.local',
      'orders.shop.svc.cluster.local 169.254.20.10',
      'orders-headless.shop.svc.cluster.local',
      'orders-headless.shop.svc.cluster.local 169.254.20.10',
    ]);
    if (code) expect(r.stdout).toMatch(/^FAILED  orders-headless\.shop\.svc\.cluster\.local $/m);
  });
});
