// The service's own MySQL-protocol database (Vitess keyspace or MySQL schema): a connection pool from the
// DB_* environment, the versioned migrations of ../../migrations applied at start-up, and one table read
// and written through parameterised statements. Driver: mysql2 (promise API, pooled).
import { readdir, readFile } from 'node:fs/promises';
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { prepareInBackground, traced, withRetry, type StoreState } from './resilience.js';

/** The migrations folder: services/<name>/migrations, also /app/migrations in the image. */
const MIGRATIONS = new URL('../../../migrations/', import.meta.url);
const LOCK = 'schema_migrations';

export class SqlStore {
  readonly state: StoreState = { ready: false, error: 'not connected yet' };
  private readonly pool: Pool;
  private readonly database: string;
  private closed = false;

  constructor(env: NodeJS.ProcessEnv) {
    const need = (name: string) => {
      const v = env[name];
      if (!v) throw new Error(`${name} is not set (the chart sets DB_* from the service's credentials Secret)`);
      return v;
    };
    this.database = need('DB_NAME');
    this.pool = createPool({
      host: need('DB_HOST'),
      port: Number(env['DB_PORT'] ?? 3306),
      user: need('DB_USER'),
      password: need('DB_PASSWORD'),
      database: this.database,
      connectionLimit: 10,
      waitForConnections: true,
      connectTimeout: 5_000,
      enableKeepAlive: true,
    });
  }

  start(): void {
    prepareInBackground('sql', this.state, () => this.migrate(), () => this.closed);
  }

  /** Applies every migration file not recorded yet, one replica at a time (GET_LOCK). */
  private async migrate(): Promise<void> {
    const conn = await this.pool.getConnection();
    try {
      const [lock] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, 30) AS got', [LOCK]);
      if (lock[0]?.['got'] !== 1) throw new Error('another replica holds the migration lock');
      try {
        await conn.query('CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(190) NOT NULL PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)');
        const [rows] = await conn.query<RowDataPacket[]>('SELECT version FROM schema_migrations');
        const applied = new Set(rows.map((r) => String(r['version'])));
        for (const file of (await readdir(MIGRATIONS)).filter((f) => f.endsWith('.sql')).sort()) {
          if (applied.has(file)) continue;
          const text = await readFile(new URL(file, MIGRATIONS), 'utf8');
          // One statement at a time (no multi-statement mode): statements end with ';' at a line end.
          for (const stmt of text.replace(/^\s*--.*$/gm, '').split(/;\s*$/m).map((s) => s.trim()).filter(Boolean)) {
            await traced('sql migrate', { 'db.system.name': 'mysql', 'db.namespace': this.database, 'db.operation.name': 'migrate' }, () => conn.query(stmt));
          }
          await conn.query('INSERT INTO schema_migrations (version) VALUES (?)', [file]);
        }
      } finally {
        await conn.query('SELECT RELEASE_LOCK(?)', [LOCK]);
      }
    } finally {
      conn.release();
    }
  }

  async put(key: string, value: string): Promise<void> {
    await this.call('INSERT', () => this.pool.execute('INSERT INTO items (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)', [key, value]));
  }

  async get(key: string): Promise<string | undefined> {
    const [rows] = await this.call('SELECT', () => this.pool.execute<RowDataPacket[]>('SELECT v FROM items WHERE k = ?', [key]));
    return rows[0] ? String(rows[0]['v']) : undefined;
  }

  private call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const attributes = { 'db.system.name': 'mysql', 'db.namespace': this.database, 'db.operation.name': operation, 'db.collection.name': 'items' };
    return traced(`${operation} items`, attributes, () => withRetry(fn));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.end();
  }
}
