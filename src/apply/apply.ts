// The only module that writes the user's disk (with src/apply/fresh.ts, which writes a new or empty
// target through a staging folder). Each file is written to a temporary file and renamed
// into place (atomic on POSIX), the manifest last, so a run killed half-way leaves every file either
// old or new and the next run still knows what it generated (files already written then compare equal
// to the render). Every path is re-checked to stay inside the target directory and outside version-
// control metadata, and nothing is written through a symbolic link: a link (or a file where a folder
// should be) in a generated path is reported by readDisk and refused here. Temporary files are created
// exclusively (O_EXCL | O_NOFOLLOW: a link planted at the name makes the open fail, it is never
// followed) under random names, in the target's root, where the next run finds and removes those a
// killed run left (src/apply/lock.ts, which owns these working files), with one readdir.
// Synchronous fs calls on purpose: a run writes hundreds of small files in a row, and the sync calls
// avoid a thread-pool round trip per syscall (measured by npm run bench).
import { closeSync, openSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { insideRoot, notGeneratable } from '../util/paths.js';
import { UserError, fsUserError } from '../util/errors.js';
import { MANIFEST_FILE, manifestChunks, manifestEquals } from '../reconcile/manifest.js';
import { WRITES, type ChangeSet } from '../reconcile/reconcile.js';
import { createTemp, isWorkingFile, lockRepository, unlockRepository } from './lock.js';
import { writeAndClose, writeFresh } from './fresh.js';

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** Far above any generated file (the largest, a 100-service manifest, is ~4 MB). */
const GENERATED_MAX_BYTES = 128 << 20;

/** Why a path cannot be a generated file (a link or non-file on the way), or undefined when it can. */
type Blocker = (rel: string) => string | undefined;

/** lstat that answers undefined for a path that does not exist. */
function lstatOrNone(full: string) {
  try {
    return lstatSync(full);
  } catch (err) {
    if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') throw err;
    return undefined;
  }
}

function blockerFor(root: string): Blocker {
  const dirs = new Map<string, string | undefined>();
  // Every folder between the root and the file must be a real folder (or not exist yet).
  const checkDir = (dir: string): string | undefined => {
    if (dir === '.' || dir === '') return undefined;
    if (!dirs.has(dir)) {
      let why = checkDir(dirname(dir));
      if (!why) {
        const s = lstatOrNone(insideRoot(root, dir));
        if (s?.isSymbolicLink()) why = `${dir} is a symbolic link`;
        else if (s && !s.isDirectory()) why = `${dir} is not a folder`;
      }
      dirs.set(dir, why);
    }
    return dirs.get(dir);
  };
  return (rel) => {
    const up = checkDir(dirname(rel));
    if (up) return up;
    try {
      const s = lstatSync(insideRoot(root, rel));
      if (s.isSymbolicLink()) return `${rel} is a symbolic link`;
      if (s.isDirectory()) return `${rel} is a folder`;
      if (!s.isFile()) return `${rel} is not a regular file`;
      // Read whole by readDisk: a hostile repository's 10 GB "README.md" must not fill memory.
      if (s.size > GENERATED_MAX_BYTES) return `${rel} is larger than any file cn-scaffold generates`;
    } catch (err) {
      if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') throw err;
    }
    return undefined;
  };
}

export interface DiskSnapshot {
  /** Current content of each path (undefined when absent). */
  files: Map<string, string | undefined>;
  /** Paths that exist but must never be written (symlinks, folders, paths below a symlinked folder). */
  blocked: Map<string, string>;
}

/**
 * A new or empty target (every `init`) holds none of the paths: no syscall per file is needed to check
 * them. The lock of this run, and temp files, do not count.
 */
function isFresh(root: string): boolean {
  return !existsSync(root) || (lstatSync(root).isDirectory() && readdirSync(root).every(isWorkingFile));
}

/**
 * Reads the current content of the given repository-relative paths. A file that holds what `expected`
 * gives for its path (most of a regenerated repository) is kept as that string, not as its own copy:
 * at 100 services the disk is ~15 MB of text, which would otherwise all be held until the writes.
 */
export async function readDisk(root: string, paths: Iterable<string>, expected?: (path: string) => string | undefined): Promise<DiskSnapshot> {
  const files = new Map<string, string | undefined>();
  const blocked = new Map<string, string>();
  const fresh = isFresh(root);
  const blocker = blockerFor(root);
  for (const p of new Set(paths)) {
    if (fresh) {
      files.set(p, undefined);
      continue;
    }
    const why = blocker(p);
    if (why) {
      blocked.set(p, why);
      continue;
    }
    try {
      const text = readFileSync(insideRoot(root, p), 'utf8');
      const same = expected?.(p);
      files.set(p, same === text ? same : text);
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') files.set(p, undefined);
      else throw err;
    }
  }
  return { files, blocked };
}

/**
 * Creates the target directory (and missing parents) one folder at a time, each failure a UserError
 * naming the folder; returns the folders it created. Not mkdir -p: Node's recursive mkdir loops forever under /proc (mkdir answers
 * ENOENT there, and it retries the parent).
 */
export function prepareRoot(root: string): string[] {
  const missing: string[] = [];
  for (let dir = root; ; ) {
    let s;
    try {
      s = lstatSync(dir);
    } catch (err) {
      if ((code(err) !== 'ENOENT') || dirname(dir) === dir) throw fsUserError(err, dir) ?? err;
      missing.unshift(dir);
      dir = dirname(dir);
      continue;
    }
    if (!s.isDirectory()) throw new UserError(`${dir} exists and is not a directory`, [{ message: 'the target must be a directory', fix: 'choose another target directory' }]);
    break;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if (code(err) === 'EEXIST') continue;
      // Its parent exists (checked above, or just made): a file system that takes no new folders.
      if (code(err) === 'ENOENT') throw new UserError(`Cannot create ${dir}`, [{ key: dir, message: `${dirname(dir)} does not take new folders (a virtual file system such as /proc?)`, fix: 'choose a directory in your workspace' }]);
      throw fsUserError(err, dir) ?? err;
    }
  }
  return missing;
}

/**
 * Writes `content` (a string, or chunks from a fresh iterable, written one after the other) to `full` through a temp file in
 * `root` (or, when `full` sits on another file system mounted inside the repository, in its own folder).
 */
function atomicWrite(root: string, full: string, content: string | (() => Iterable<string>), executable: boolean, made: Set<string>, isNew = false): void {
  const dir = dirname(full);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  // An existing file keeps its permissions (a chmod is an edit too); executables stay executable.
  let mode = executable ? 0o755 : 0o644;
  const existing = isNew ? undefined : lstatSync(full, { throwIfNoEntry: false });
  if (existing) mode = (existing.mode & 0o777) | (executable ? 0o111 : 0);
  for (const tmpDir of [root, dir]) {
    const { fd, path: tmp } = createTemp(tmpDir, mode);
    try {
      writeAndClose(fd, typeof content === 'string' ? [content] : content(), tmp);
      // rename replaces a link at `full` itself, never what it points to.
      renameSync(tmp, full);
      return;
    } catch (err) {
      rmSync(tmp, { force: true });
      if (code(err) === 'EXDEV' && tmpDir !== dir) continue;
      throw fsUserError(err, full) ?? err;
    }
  }
}

/** Removes now-empty parent folders of a deleted file, up to (not including) the root. */
function pruneEmptyDirs(root: string, rel: string): void {
  let dir = dirname(rel);
  while (dir !== '.' && dir !== '') {
    const full = insideRoot(root, dir);
    try {
      if (readdirSync(full).length > 0) return;
      rmdirSync(full);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}

export interface Applied {
  written: number;
  deleted: number;
  /** False when the manifest on disk already had these exact bytes (nothing rewritten). */
  manifestWritten: boolean;
}

/** False when the manifest on disk already has exactly the bytes this change set would write. */
export async function manifestChanged(root: string, cs: ChangeSet): Promise<boolean> {
  try {
    const fd = openSync(insideRoot(root, MANIFEST_FILE), 'r');
    try {
      return !manifestEquals(cs.manifest, fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') throw err;
  }
  return true;
}

export async function apply(root: string, cs: ChangeSet): Promise<Applied> {
  const touched = cs.changes.filter((c) => WRITES.has(c.kind) || c.kind === 'delete');
  const manifest = await manifestChanged(root, cs);
  if (touched.length === 0 && !manifest) return { written: 0, deleted: 0, manifestWritten: false };

  prepareRoot(root);
  // Already held by regenerate and init (re-entrant); taken here for any other caller, and then released.
  const took = lockRepository(root);
  try {
    return writeChanges(root, touched, cs, manifest);
  } finally {
    if (took) unlockRepository(root);
  }
}

function writeChanges(root: string, touched: ChangeSet['changes'], cs: ChangeSet, manifest: boolean): Applied {
  // Resolve and check every path first: a bad one aborts before anything is written.
  const fresh = isFresh(root);
  const blocker: Blocker = fresh ? () => undefined : blockerFor(root);
  const planned = touched.map((c) => {
    const full = insideRoot(root, c.path);
    const never = notGeneratable(c.path);
    if (never) throw new UserError(`Refusing to ${c.kind === 'delete' ? 'delete' : 'write'} ${c.path}`, [{ key: c.path, message: never, fix: 'nothing was written' }]);
    const why = blocker(c.path);
    if (why) throw new UserError(`Refusing to write ${c.path}`, [{ key: c.path, message: why, fix: 'replace the link with a regular file or folder, then run again; nothing was written' }]);
    return { c, full };
  });
  const manifestWhy = blocker(MANIFEST_FILE);
  if (manifestWhy) throw new UserError(`Refusing to write ${MANIFEST_FILE}`, [{ message: manifestWhy, fix: 'nothing was written' }]);

  const base = resolve(root);
  const made = new Set<string>([base]);
  let written = 0;
  let deleted = 0;
  if (fresh && planned.every(({ c }) => c.kind !== 'delete')) {
    writeFresh(base, planned.map(({ c }) => ({ path: c.path, content: c.content!, executable: c.executable ?? false })));
    written = planned.length;
  } else {
    for (const { c, full } of planned) {
      if (c.kind === 'delete') continue;
      atomicWrite(base, full, c.content!, c.executable ?? false, made, c.kind === 'create' && c.previous === undefined);
      written++;
    }
  }
  for (const { c, full } of planned) {
    if (c.kind !== 'delete') continue;
    rmSync(full, { force: true });
    pruneEmptyDirs(root, c.path);
    deleted++;
  }
  // The manifest last, serialized while it is written (see manifestChunks).
  if (manifest) atomicWrite(base, insideRoot(root, MANIFEST_FILE), () => manifestChunks(cs.manifest), false, made);
  return { written, deleted, manifestWritten: manifest };
}
