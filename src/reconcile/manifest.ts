// .cn-scaffold/manifest.json: what cn-scaffold generated last time. For each file: the owning block,
// the sha256 and the full content (the merge base for the next regenerate — stored, never
// re-rendered, so upgrades of cn-scaffold cannot change it). It is untrusted input: every path is
// re-validated and a base whose hash does not match is ignored.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { safeRelative } from '../util/paths.js';
import { UserError } from '../util/errors.js';

export const MANIFEST_FILE = '.cn-scaffold/manifest.json';

export const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const EntrySchema = z.object({
  block: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  base: z.string(),
  executable: z.boolean().optional(),
});
export const ManifestSchema = z.object({
  version: z.literal(1),
  tool: z.object({ name: z.string(), version: z.string() }),
  files: z.record(z.string(), EntrySchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestEntry = z.infer<typeof EntrySchema>;

export function parseManifest(text: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${MANIFEST_FILE} is not valid JSON`, [{ origin: MANIFEST_FILE, message: (err as Error).message, fix: 'restore it from version control' }]);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new UserError(`${MANIFEST_FILE} is not a cn-scaffold manifest`, parsed.error.issues.map((i) => ({ origin: MANIFEST_FILE, key: i.path.join('.'), message: i.message, fix: 'restore it from version control' })));
  }
  for (const path of Object.keys(parsed.data.files)) {
    try {
      if (safeRelative(path) !== path) throw new Error(`not normalized: ${path}`);
    } catch (err) {
      throw new UserError(`${MANIFEST_FILE} was tampered with`, [{ origin: MANIFEST_FILE, key: path, message: (err as Error).message, fix: 'restore it from version control; nothing was written' }]);
    }
  }
  return parsed.data;
}

/** The merge base of an entry, or undefined when its hash does not match (tampered or corrupted). */
export function trustedBase(e: ManifestEntry | undefined): string | undefined {
  return e && sha256(e.base) === e.sha256 ? e.base : undefined;
}

export function serializeManifest(m: Manifest): string {
  const files = Object.fromEntries(Object.entries(m.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ version: m.version, tool: m.tool, files }, null, 1) + '\n';
}
