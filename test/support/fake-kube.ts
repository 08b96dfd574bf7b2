// Fake `kubectl` and `helm` for running generated deploy jobs without a cluster. Each object has the state it had
// before `helm upgrade` and a timeline of states after it: every `kubectl get` (and every poll of `kubectl wait`)
// of the object after the upgrade shows the next state, staying on the last. `kubectl wait` behaves like the real
// one: it checks the current state first, so it returns at once when the state left by the previous release
// already satisfies it. The state file records every call.
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface KubeObject {
  before?: Record<string, unknown>;
  after: Record<string, unknown>[];
}
export interface FakeState {
  /** `<kind>/<name>` → states; kinds are as the scripts spell them (rollout, canary, deployment). */
  objects: Record<string, KubeObject & { i?: number }>;
  upgraded?: boolean;
  calls?: string[];
}

const KUBECTL = String.raw`#!/usr/bin/env node
const fs = require('fs');
const file = process.env.FAKE_KUBE_STATE;
const st = JSON.parse(fs.readFileSync(file, 'utf8'));
st.calls = st.calls || [];
const args = [];
const raw = process.argv.slice(2);
for (let i = 0; i < raw.length; i++) {
  if (raw[i] === '-n' || raw[i] === '--namespace') { i++; continue; }
  args.push(raw[i]);
}
st.calls.push('kubectl ' + args.join(' '));
const save = () => fs.writeFileSync(file, JSON.stringify(st));
const done = (code, out, err) => { save(); if (out) process.stdout.write(out); if (err) process.stderr.write(err); process.exit(code); };
const frame = (key) => {
  const o = st.objects[key];
  if (!o) return undefined;
  if (!st.upgraded) return o.before;
  const i = Math.min(o.i || 0, o.after.length - 1);
  o.i = (o.i || 0) + 1;
  return o.after[i];
};
const walk = (obj, p) => {
  let cur = [obj];
  for (const part of p.split('.').filter(Boolean)) {
    const m = /^([^\[]+)(\[\*\])?$/.exec(part);
    cur = cur.flatMap((c) => (c == null ? [] : [c[m[1]]])).flatMap((v) => (m[2] && Array.isArray(v) ? v : [v]));
  }
  return cur.filter((v) => v !== undefined).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' ');
};
const jsonpath = (obj, tpl) => tpl.replace(/\{([^{}]*)\}/g, (_, e) => (e.startsWith('"') ? JSON.parse(e) : walk(obj, e)));
const key = (kind, name) => kind.replace(/s$/, '') + '/' + name;
const [verb, ...rest] = args;
if (verb === 'apply') done(0, 'applied\n');
if (verb === 'get') {
  const out = rest.find((a) => a.startsWith('jsonpath=')) || (rest.includes('-o') ? rest[rest.indexOf('-o') + 1] : '');
  const obj = frame(key(rest[0], rest[1]));
  if (!obj) done(1, '', 'Error from server (NotFound): ' + rest[0] + ' "' + rest[1] + '" not found\n');
  done(0, jsonpath(obj, out.replace(/^jsonpath=/, '')));
}
if (verb === 'wait') {
  const [kind, name] = rest[0].split('/');
  const cond = rest.find((a) => a.startsWith('--for=')).slice(6);
  const ok = (o) => {
    if (!o) return false;
    if (cond.startsWith('condition=')) {
      const type = cond.slice(10).toLowerCase();
      return ((o.status && o.status.conditions) || []).some((c) => c.type.toLowerCase() === type && c.status === 'True');
    }
    const m = /^jsonpath=(.*)=([^=]*)$/.exec(cond);
    return walk(o, m[1].replace(/^\{|\}$/g, '')) === m[2];
  };
  const o = st.objects[key(kind, name)];
  const polls = o ? Math.max(o.after.length, 1) + 1 : 1;
  for (let n = 0; n < polls; n++) if (ok(frame(key(kind, name)))) done(0, kind + '/' + name + ' condition met\n');
  done(1, '', 'error: timed out waiting for the condition on ' + rest[0] + '\n');
}
done(0, '');
`;

const HELM = String.raw`#!/usr/bin/env node
const fs = require('fs');
const file = process.env.FAKE_KUBE_STATE;
const st = JSON.parse(fs.readFileSync(file, 'utf8'));
st.calls = st.calls || [];
st.calls.push('helm ' + process.argv.slice(2).join(' '));
if (process.argv[2] === 'upgrade') st.upgraded = true;
fs.writeFileSync(file, JSON.stringify(st));
`;

/** Writes `kubectl` and `helm` into `bin` and the initial state to `stateFile`. */
export async function installFakeKube(bin: string, stateFile: string, state: FakeState): Promise<void> {
  await writeFile(path.join(bin, 'kubectl'), KUBECTL);
  await writeFile(path.join(bin, 'helm'), HELM);
  await chmod(path.join(bin, 'kubectl'), 0o755);
  await chmod(path.join(bin, 'helm'), 0o755);
  await writeFile(stateFile, JSON.stringify(state));
}
