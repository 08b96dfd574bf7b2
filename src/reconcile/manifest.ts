// .cn-scaffold/manifest.json: what cn-scaffold generated last time. For each file: the owning block,
// the sha256 and the full content (the merge base for the next regenerate — stored, never
// re-rendered, so upgrades of cn-scaffold cannot change it). It is untrusted input (hand edits, bad
// merges, a hostile clone): every entry is validated on its own, an entry whose path is not a
// normalized repository-relative path is dropped with a warning (so it can never lead a write or a
// delete outside the repository), and a base whose hash does not match is ignored by reconcile.
import * as crypto from 'node:crypto';
import { z } from 'zod';
import { safeRelative } from '../util/paths.js';
import { UserError, type Problem } from '../util/errors.js';

export const MANIFEST_FILE = '.cn-scaffold/manifest.json';

// crypto.hash (Node 20.12+, so always here: engines >= 20.19) is the one-shot form, without a Hash
// object per file; the fallback keeps the unbundled sources working on any Node that runs them.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
export const sha256 = (s: string): string => (oneShot ? oneShot('sha256', s, 'hex') : crypto.createHash('sha256').update(s, 'utf8').digest('hex'));

const EntrySchema = z.object({
  block: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  base: z.string(),
  executable: z.boolean().optional(),
});
const HeaderSchema = z.object({
  version: z.literal(1),
  tool: z.object({ name: z.string(), version: z.string() }),
  files: z.record(z.string(), z.unknown()),
});
export const ManifestSchema = HeaderSchema.extend({ files: z.record(z.string(), EntrySchema) });
export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestEntry = z.infer<typeof EntrySchema>;

export interface ParsedManifest {
  manifest: Manifest;
  /** Entries that were dropped, and why (printed as warnings; nothing is written for them). */
  problems: Problem[];
}

export function parseManifest(text: string): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${MANIFEST_FILE} is not valid JSON`, [{ origin: MANIFEST_FILE, message: (err as Error).message, fix: 'restore it from version control; nothing was written' }]);
  }
  const header = HeaderSchema.safeParse(json);
  if (!header.success) {
    throw new UserError(
      `${MANIFEST_FILE} is not a cn-scaffold manifest`,
      header.error.issues.map((i) => ({ origin: MANIFEST_FILE, key: i.path.join('.'), message: i.message, fix: 'restore it from version control; nothing was written' })),
    );
  }
  const files: Manifest['files'] = {};
  const problems: Problem[] = [];
  const drop = (path: string, message: string) =>
    problems.push({ origin: MANIFEST_FILE, key: path, message: `${message}; entry ignored`, fix: 'restore the manifest from version control if you did not edit it' });
  for (const [path, raw] of Object.entries(header.data.files)) {
    let normalized: string;
    try {
      normalized = safeRelative(path);
    } catch (err) {
      drop(path, (err as Error).message);
      continue;
    }
    if (normalized !== path) {
      drop(path, `path is not normalized (${normalized})`);
      continue;
    }
    const entry = EntrySchema.safeParse(raw);
    if (!entry.success) {
      drop(path, `malformed entry (${entry.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ')})`);
      continue;
    }
    files[path] = entry.data;
  }
  return { manifest: { version: 1, tool: header.data.tool, files }, problems };
}

/** The merge base of an entry, or undefined when its hash does not match (tampered or corrupted). */
export function trustedBase(e: ManifestEntry | undefined): string | undefined {
  return e && sha256(e.base) === e.sha256 ? e.base : undefined;
}

export function serializeManifest(m: Manifest): string {
  const files = Object.fromEntries(Object.entries(m.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ version: m.version, tool: m.tool, files }, null, 1) + '\n';
}
