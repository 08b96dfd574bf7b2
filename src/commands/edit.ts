// `cn-scaffold add service|call`, `remove service|call`: a change to cn-scaffold.yaml followed by a
// regenerate, as `kubebuilder create api` or `draft create` feel. Each is `regenerate` with one edit of
// the answers, so validation, the merge of user edits, saving cn-scaffold.yaml (comments kept) and every
// output flag (--dry-run, --diff, --json) behave as they do there.
import { parseServiceSpec, setAt, type RawAnswers } from '../config/sources.js';
import { UsageError, UserError } from '../util/errors.js';
import { regenerate, type RegenerateOptions } from './regenerate.js';

type Service = Record<string, any>;
const servicesOf = (raw: RawAnswers): Service[] => (Array.isArray(raw.data.services) ? (raw.data.services as Service[]) : []);
const calleeOf = (c: unknown) => (typeof c === 'string' ? c : (c as { service?: string })?.service);

function find(raw: RawAnswers, name: string, origin: string): number {
  const i = servicesOf(raw).findIndex((s) => s?.name === name);
  if (i < 0) {
    const known = servicesOf(raw).map((s) => s?.name).join(', ');
    throw new UserError(`No service '${name}' in cn-scaffold.yaml`, [{ origin, message: `services: ${known}`, fix: `cn-scaffold add service ${name}` }]);
  }
  return i;
}

const EDITS: Record<string, (args: string[]) => (raw: RawAnswers) => void> = {
  'add-service': ([spec]) => (raw) => {
    const origin = `add service ${spec}`;
    const service = parseServiceSpec(spec!);
    const list = servicesOf(raw);
    if (list.some((s) => s?.name === service.name)) throw new UserError(`There is already a service '${service.name}'`, [{ origin, message: 'service names are unique', fix: `choose another name, or cn-scaffold remove service ${service.name}` }]);
    // The next free port, as the walk numbers them, unless given.
    if (service.port === undefined) {
      let port = 8080;
      while (list.some((s) => s?.port === port)) port++;
      service.port = port;
    }
    setAt(raw, ['services', list.length], service, origin);
  },
  'remove-service': ([name]) => (raw) => {
    const origin = `remove service ${name}`;
    const i = find(raw, name!, origin);
    // The calls to it go with it: a call to a service that does not exist is an error.
    const rest = servicesOf(raw)
      .filter((_, j) => j !== i)
      .map((s) => {
        if (!Array.isArray(s.calls)) return s;
        const calls = s.calls.filter((c: unknown) => calleeOf(c) !== name);
        const { calls: _dropped, ...without } = s;
        return calls.length ? { ...s, calls } : without;
      });
    setAt(raw, ['services'], rest, origin);
  },
  'add-call': ([from, to]) => (raw) => {
    const origin = `add call ${from} ${to}`;
    const i = find(raw, from!, origin);
    find(raw, to!, origin);
    const calls = (servicesOf(raw)[i]!.calls ?? []) as unknown[];
    if (calls.some((c) => calleeOf(c) === to)) throw new UserError(`${from} already calls ${to}`, [{ origin, message: 'nothing to add', fix: `cn-scaffold remove call ${from} ${to}` }]);
    setAt(raw, ['services', i, 'calls'], [...calls, to], origin);
  },
  'remove-call': ([from, to]) => (raw) => {
    const origin = `remove call ${from} ${to}`;
    const i = find(raw, from!, origin);
    const calls = (servicesOf(raw)[i]!.calls ?? []) as unknown[];
    if (!calls.some((c) => calleeOf(c) === to)) throw new UserError(`${from} does not call ${to}`, [{ origin, message: `calls: ${calls.map(calleeOf).join(', ') || 'none'}`, fix: `cn-scaffold add call ${from} ${to}` }]);
    const left = calls.filter((c) => calleeOf(c) !== to);
    setAt(raw, ['services', i, 'calls'], left.length ? left : undefined, origin);
  },
};

export async function edit(action: string, args: string[], opts: RegenerateOptions & { dir?: string }): Promise<number> {
  const make = EDITS[action];
  if (!make) throw new UsageError(`unknown edit '${action}'`);
  const { dir, ...rest } = opts;
  return regenerate(dir, { ...rest, edit: make(args), command: action.replace('-', ' ') });
}
