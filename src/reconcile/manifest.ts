// .cn-scaffold/manifest.json: what cn-scaffold generated last time. For each file: the owning block,
// the sha256 and the full content (the merge base for the next regenerate — stored, never
// re-rendered, so upgrades of cn-scaffold cannot change it). Format 2 stores each distinct content once,
// in `bases` under its sha256 (a repository's services share most of their chart and skeleton files,
// so this halves the manifest); an entry may still carry its base inline, as every entry of format 1
// did, and format 1 manifests are read as they are. It is untrusted input (hand edits, bad merges, a
// hostile clone): every entry is validated on its own, an entry whose path is not a normalized
// repository-relative path, or that cn-scaffold never generates (inside .git, control characters), is
// dropped with a warning (so it can never lead a write or a delete outside the repository or into
// version-control metadata), and a base whose hash does not match is ignored by reconcile.
import { readSync } from 'node:fs';
import * as z from 'zod';
import { sha256 } from '../util/hash.js';
import { notGeneratable, safeRelative } from '../util/paths.js';
import { UserError, type Problem } from '../util/errors.js';

export const MANIFEST_FILE = '.cn-scaffold/manifest.json';


const StoredEntrySchema = z.object({
  block: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Inline merge base; when absent it is `bases[sha256]`. */
  base: z.string().optional(),
  executable: z.boolean().optional(),
});
const HeaderSchema = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  tool: z.object({ name: z.string(), version: z.string() }),
  files: z.record(z.string(), z.unknown()),
  bases: z.record(z.string(), z.unknown()).optional(),
});
/** An entry in memory: its merge base always resolved. */
export interface ManifestEntry {
  block: string;
  sha256: string;
  base: string;
  executable?: boolean;
}
export interface Manifest {
  /** The format it was read in (written: always 2). */
  version: number;
  tool: { name: string; version: string };
  files: Record<string, ManifestEntry>;
}

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
    // Never a path cn-scaffold could have generated (.git/HEAD, with its predictable content and so a
    // forgeable hash): dropped, so it is never deleted or written.
    const never = notGeneratable(path);
    if (never) {
      drop(path, never);
      continue;
    }
    const entry = StoredEntrySchema.safeParse(raw);
    if (!entry.success) {
      drop(path, `malformed entry (${entry.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ')})`);
      continue;
    }
    const { base: inline, ...rest } = entry.data;
    const stored = header.data.bases?.[entry.data.sha256];
    const base = inline ?? (typeof stored === 'string' ? stored : undefined);
    if (base === undefined) {
      drop(path, 'no merge base stored for it');
      continue;
    }
    files[path] = { ...rest, base };
  }
  return { manifest: { version: 2, tool: header.data.tool, files }, problems };
}

/**
 * The merge base of an entry, or undefined when its hash does not match (tampered or corrupted).
 * `hash` lets a caller hash each distinct content once (entries share their bases).
 */
export function trustedBase(e: ManifestEntry | undefined, hash: (text: string) => string = sha256): string | undefined {
  return e && hash(e.base) === e.sha256 ? e.base : undefined;
}

/**
 * The manifest's bytes as a sequence of chunks of about 64 KB, produced as they are consumed: with every
 * merge base inside, a 100-service manifest is ~8 MB, and written chunk by chunk (apply.ts) it never
 * exists as one string, nor as an array of its lines.
 */
export function* manifestChunks(m: Manifest): Generator<string> {
  const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);
  const files: [string, Omit<ManifestEntry, 'base'> & { base?: string }][] = [];
  const bases = new Map<string, string>();
  for (const [path, { base, ...rest }] of Object.entries(m.files).sort(byKey)) {
    // Each distinct base once, under its recorded hash (not re-hashed here; reconcile and readers
    // verify it). A different base under a hash already taken (a forged entry kept as it was) stays
    // inline, where it is checked against its own hash as before.
    const taken = bases.get(rest.sha256);
    if (taken === undefined) bases.set(rest.sha256, base);
    files.push([path, taken === undefined || taken === base ? rest : { ...rest, base }]);
  }
  // One line per file and per base (diffs stay readable), each written by JSON.stringify without an
  // indent argument: V8's fast serializer, several times quicker than pretty-printing the whole object.
  let buf = `{\n "version": 2,\n "tool": ${JSON.stringify(m.tool)},\n "files": {\n`;
  function* lines(entries: Iterable<[string, unknown]>): Generator<string> {
    let first = true;
    for (const [k, v] of entries) {
      buf += `${first ? '' : ',\n'}  ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
      first = false;
      if (buf.length >= 65536) {
        yield buf;
        buf = '';
      }
    }
  }
  yield* lines(files);
  buf += '\n },\n "bases": {\n';
  yield* lines([...bases].sort(byKey));
  yield buf + '\n }\n}\n';
}

/** The whole manifest as one string (tests, and callers that need it in memory anyway). */
export function serializeManifest(m: Manifest): string {
  let text = '';
  for (const chunk of manifestChunks(m)) text += chunk;
  return text;
}

/**
 * True when `source` (a text, or an open file descriptor read piece by piece) holds exactly the bytes
 * manifestChunks(m) would write, compared chunk by chunk: the manifest on disk (~7 MB at 100
 * services) is never held whole.
 */
export function manifestEquals(m: Manifest, source: string | number): boolean {
  const bytes = typeof source === 'string' ? Buffer.from(source, 'utf8') : undefined;
  let piece = Buffer.alloc(0);
  /** Up to `n` bytes at `at` (fewer at the end). */
  const read = (at: number, n: number): Buffer => {
    if (bytes) return bytes.subarray(at, at + n);
    if (piece.length < n) piece = Buffer.allocUnsafe(n);
    let got = 0;
    for (let r; got < n && (r = readSync(source as number, piece, got, n - got, at + got)) > 0; ) got += r;
    return piece.subarray(0, got);
  };
  let at = 0;
  for (const chunk of manifestChunks(m)) {
    const want = Buffer.from(chunk, 'utf8');
    if (!read(at, want.length).equals(want)) return false;
    at += want.length;
  }
  return read(at, 1).length === 0;
}
