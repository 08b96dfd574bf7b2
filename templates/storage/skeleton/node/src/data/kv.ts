// The service's etcd key prefix: a client authenticated as the service's own etcd user (its role may
// read and write only under ETCD_PREFIX), TLS verified against ETCD_CA_PEM, every key namespaced under
// the prefix. Client: etcd3 (gRPC, pooled connections to every endpoint, its own failover).
import { Etcd3, type Namespace } from 'etcd3';
import { prepareInBackground, traced, withRetry, type StoreState } from './resilience.js';

/** Written once at start-up if absent: shows the prefix is writable before the first request. */
const START_KEY = '_created';

export class KvStore {
  readonly state: StoreState = { ready: false, error: 'not connected yet' };
  private readonly client: Etcd3;
  private readonly ns: Namespace;
  private readonly prefix: string;
  private closed = false;

  constructor(env: NodeJS.ProcessEnv) {
    const need = (name: string) => {
      const v = env[name];
      if (!v) throw new Error(`${name} is not set (the chart sets ETCD_* from the service's credentials Secret)`);
      return v;
    };
    this.prefix = need('ETCD_PREFIX');
    const pem = env['ETCD_CA_PEM'];
    this.client = new Etcd3({
      hosts: need('ETCD_ENDPOINTS').split(','),
      auth: { username: need('ETCD_USER'), password: need('ETCD_PASSWORD') },
      ...(pem ? { credentials: { rootCertificate: Buffer.from(pem) } } : {}),
      dialTimeout: 5_000,
    });
    this.ns = this.client.namespace(this.prefix);
  }

  start(): void {
    prepareInBackground(
      'kv',
      this.state,
      async () => {
        await this.ns.if(START_KEY, 'Create', '==', 0).then(this.ns.put(START_KEY).value(new Date().toISOString())).commit();
      },
      () => this.closed,
    );
  }

  async put(key: string, value: string): Promise<void> {
    await this.call('PUT', () => this.ns.put(key).value(value).exec());
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.call('GET', () => this.ns.get(key).string())) ?? undefined;
  }

  private call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return traced(`etcd ${operation}`, { 'db.system.name': 'etcd', 'db.namespace': this.prefix, 'db.operation.name': operation }, () => withRetry(fn));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.close();
  }
}
