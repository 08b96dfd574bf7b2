// The service graph in the answers: validation of the graph fields with file:line and a fix, the
// normalised graph (calls take the callee's port and protocol, cycles found), and the graph flags.
import { describe, expect, test } from 'vitest';
import { catalog } from '../../src/catalog/registry.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { readAnswersText, emptyAnswers, setAt } from '../../src/config/sources.js';
import { subjectProblem, isCidr, isDnsName } from '../../src/config/graph-schema.js';
import { applyGraphFlags } from '../../src/commands/graph-flags.js';
import { UserError, UsageError } from '../../src/util/errors.js';

const answers = (services: string) =>
  readAnswersText(`project:\n  name: shop\nservices:\n${services}`, 'answers.yaml');

function problems(fn: () => unknown): { key?: string; origin?: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e.problems;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('graph validation', () => {
  test('a callee that does not exist, and a service calling itself, are named at their line', () => {
    const p = problems(() =>
      resolveConfig(
        answers('  - name: web\n    calls: [orders, web]\n  - name: billing\n    port: 8081\n'),
        catalog,
      ),
    );
    expect(p).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'services.0.calls.0', origin: 'answers.yaml:5', message: expect.stringMatching(/'web' calls 'orders', which is not a service here \(services: web, billing\)/) }),
        expect.objectContaining({ key: 'services.0.calls.1', message: expect.stringMatching(/calls itself/) }),
      ]),
    );
  });

  test('calls take the callee port and protocol; per-call timeout and retries default', () => {
    const r = resolveConfig(
      answers(
        '  - name: web\n    calls: [orders, {service: ledger, timeout: 500ms, retries: 0}]\n' +
          '  - name: orders\n    port: 9090\n    protocol: grpc\n  - name: ledger\n    port: 8082\n',
      ),
      catalog,
    );
    expect(r.graph.calls).toEqual([
      { from: 'web', to: 'orders', port: 9090, protocol: 'grpc', timeout: '2s', retries: 2 },
      { from: 'web', to: 'ledger', port: 8082, protocol: 'http', timeout: '500ms', retries: 0 },
    ]);
    expect(r.graph.cycles).toEqual([]);
  });

  test('cycles are allowed and reported as a note naming the loop', () => {
    const r = resolveConfig(answers('  - name: a\n    calls: [b]\n  - name: b\n    port: 8081\n    calls: [c]\n  - name: c\n    port: 8082\n    calls: [a]\n  - name: d\n    port: 8083\n    calls: [a]\n'), catalog);
    expect(r.graph.cycles).toEqual([['a', 'b', 'c']]);
    expect(r.infos.map((i) => i.message).join('\n')).toMatch(/calls form a cycle: a → b → c → a/);
  });

  test('egress hosts are DNS names or CIDRs', () => {
    expect(isDnsName('api.stripe.com')).toBe(true);
    expect(isDnsName('*.googleapis.com')).toBe(true);
    expect(isDnsName('Not_A_Host')).toBe(false);
    expect(isDnsName(`${'a'.repeat(64)}.com`)).toBe(false);
    expect(isCidr('203.0.113.0/24')).toBe(true);
    expect(isCidr('10.1.2.3')).toBe(true);
    expect(isCidr('2001:db8::/32')).toBe(true);
    expect(isCidr('300.1.1.1/8')).toBe(false);
    expect(isCidr('10.0.0.0/33')).toBe(false);
    const p = problems(() => resolveConfig(answers('  - name: web\n    egress:\n      - host: "http://x"\n        port: 443\n'), catalog));
    expect(p[0]).toMatchObject({ key: 'services.0.egress.0.host', message: expect.stringMatching(/DNS name .* or an IP address\/CIDR/) });
  });

  test('NATS subjects: wildcards only in subscriptions, > last, no reserved prefixes', () => {
    expect(subjectProblem('orders.created', false)).toBeUndefined();
    expect(subjectProblem('orders.*', false)).toMatch(/only for subscriptions/);
    expect(subjectProblem('orders.*.eu', true)).toBeUndefined();
    expect(subjectProblem('orders.>.x', true)).toMatch(/must be the last token/);
    expect(subjectProblem('$JS.API.>', true)).toMatch(/reserved/);
    expect(subjectProblem('orders..created', false)).toMatch(/empty token/);
    expect(subjectProblem('orders.cre ated', false)).toMatch(/whitespace/);
    const p = problems(() => resolveConfig(answers('  - name: web\n    publishes: ["orders.>"]\n'), catalog));
    expect(p[0]).toMatchObject({ key: 'services.0.publishes.0', message: expect.stringMatching(/invalid subject 'orders.>'/) });
  });

  test('edges that need a block say which slot to choose, at the service that declared them', () => {
    const p = problems(() => resolveConfig(answers('  - name: web\n    uses: [sql]\n    publishes: [a.b]\n'), catalog));
    expect(p).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'services.0.uses', origin: 'answers.yaml:5', fix: expect.stringMatching(/--storage-sql/) }),
        expect.objectContaining({ key: 'services.0.publishes', origin: 'answers.yaml:6', fix: expect.stringMatching(/--messaging-pubsub nats/) }),
      ]),
    );
  });
});

describe('graph flags', () => {
  const raw = () => {
    const r = emptyAnswers();
    setAt(r, ['project', 'name'], 'shop', 'test');
    setAt(r, ['services'], [{ name: 'web' }, { name: 'orders', port: 9090, calls: ['web'] }], 'test');
    return r;
  };

  test('append to the named service, each value remembering its flag', () => {
    const r = raw();
    applyGraphFlags(r, {
      call: ['web:orders', 'orders:web'],
      expose: ['web'],
      egress: ['orders:api.stripe.com:443', 'orders:10.0.0.0/8:5432'],
      subscribe: ['orders:a.b@workers:durable', 'web:c.*'],
      uses: ['orders:sql'],
    });
    const [web, orders] = (r.data as any).services;
    expect(web).toMatchObject({ calls: ['orders'], expose: true, subscribes: ['c.*'] });
    expect(orders.calls).toEqual(['web', 'web']);
    expect(orders.egress).toEqual([{ host: 'api.stripe.com', port: 443 }, { host: '10.0.0.0/8', port: 5432 }]);
    expect(orders.subscribes).toEqual([{ subject: 'a.b', queue: 'workers', durable: true }]);
    expect(r.origins.get('services.1.calls.1')).toBe('--call orders:web');
    // The duplicate call is refused by validation, naming the flag.
    const p = problems(() => resolveConfig(r, catalog));
    expect(p).toEqual(expect.arrayContaining([expect.objectContaining({ origin: '--call orders:web', message: expect.stringMatching(/calls 'web' twice/) })]));
  });

  test('an unknown service or a malformed value is a clear error with an example', () => {
    expect(() => applyGraphFlags(raw(), { call: ['api:orders'] })).toThrow(UserError);
    try {
      applyGraphFlags(raw(), { call: ['api:orders'] });
    } catch (e) {
      expect((e as UserError).problems[0]).toMatchObject({ origin: '--call api:orders', message: "no service 'api' (services: web, orders)" });
    }
    expect(() => applyGraphFlags(raw(), { egress: ['web:api.stripe.com'] })).toThrow(UsageError);
    try {
      applyGraphFlags(raw(), { call: ['web'] });
    } catch (e) {
      expect((e as UsageError).problems[0]).toMatchObject({ message: 'expected FROM:TO', fix: '--call web:orders' });
    }
  });
});
