// Answers-file format versions. cn-scaffold.yaml carries `version:`; an older file is upgraded step
// by step through MIGRATIONS (each one from N to N+1), with a message per step, before validation.
// Migrations move the origins (file:line) along with the values, so an invalid value in an old file
// is still reported at its line. The file itself is rewritten in the new format by the next
// regenerate (its structural merge keeps the user's comments).
import { UserError } from '../util/errors.js';
import { ANSWERS_VERSION } from './schema.js';
import type { RawAnswers } from './sources.js';

export interface Migration {
  from: number;
  /** What changed, for the message printed when a file is migrated. */
  describe: string;
  migrate(raw: RawAnswers): RawAnswers;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Renames the origins under `from` to live under `to` (values moved from one path to another). */
function moveOrigins(origins: Map<string, string>, from: string, to: string): void {
  for (const [k, o] of [...origins]) {
    if (k === from || k.startsWith(from + '.')) {
      origins.delete(k);
      origins.set(to + k.slice(from.length), o);
    }
  }
}

export const MIGRATIONS: readonly Migration[] = [
  {
    // v0 (pre-release): no `version:` key, and `services:` was a map of name → spec.
    from: 0,
    describe: '`services` is now a list of { name, ... } (was a map keyed by name)',
    migrate(raw) {
      const data = structuredClone(raw.data);
      const origins = new Map(raw.origins);
      if (isObject(data.services)) {
        const entries = Object.entries(data.services);
        data.services = entries.map(([name, spec]) => ({ name, ...(isObject(spec) ? spec : {}) }));
        entries.forEach(([name], i) => {
          const nameOrigin = origins.get(`services.${name}`);
          moveOrigins(origins, `services.${name}`, `services.${i}`);
          if (nameOrigin) origins.set(`services.${i}.name`, nameOrigin);
        });
      }
      data.version = 1;
      return { data, origins };
    },
  },
];

/**
 * The format version of a file: its `version:`, or for a file without one, 0 when it has the v0
 * shape and the current version otherwise (answers files written by hand usually omit it).
 */
export function detectVersion(data: Record<string, unknown>): number | undefined {
  if ('version' in data) return typeof data.version === 'number' && Number.isInteger(data.version) ? data.version : undefined;
  return isObject(data.services) ? 0 : ANSWERS_VERSION;
}

export interface Migrated {
  raw: RawAnswers;
  /** One line per migration step applied (empty when the file is current). */
  messages: string[];
  from: number;
}

/** Upgrades answers read from `file` to the current format; throws for unknown or future versions. */
export function migrateAnswers(raw: RawAnswers, file: string, migrations: readonly Migration[] = MIGRATIONS, current = ANSWERS_VERSION): Migrated {
  const found = detectVersion(raw.data);
  const origin = raw.origins.get('version') ?? `${file}:1`;
  if (found === undefined) {
    throw new UserError(`${file} has an invalid format version`, [
      { key: 'version', origin, message: `expected a whole number, got ${JSON.stringify(raw.data.version)}`, fix: `version: ${current}` },
    ]);
  }
  if (found > current) {
    throw new UserError(`${file} was written by a newer cn-scaffold (format version ${found})`, [
      { key: 'version', origin, message: `this cn-scaffold reads format versions up to ${current}`, fix: 'upgrade cn-scaffold: npx cn-scaffold@latest regenerate' },
    ]);
  }
  const messages: string[] = [];
  let out = raw;
  for (let v = found; v < current; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) {
      throw new UserError(`${file} uses format version ${v}, which cannot be migrated`, [
        { key: 'version', origin, message: `no migration from version ${v}`, fix: 'regenerate it with an older cn-scaffold first, or write it again with cn-scaffold init' },
      ]);
    }
    out = step.migrate(out);
    messages.push(`${file}: migrated answers format v${v} → v${v + 1}: ${step.describe}`);
  }
  if (found < current && out.data.version !== current) {
    throw new Error(`migrations from ${found} did not reach version ${current}`); // a bug in the table
  }
  return { raw: out, messages, from: found };
}

