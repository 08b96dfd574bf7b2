// The only module that writes the user's disk. Each file is written to a temporary sibling and
// renamed into place (atomic on POSIX), the manifest last, so a run killed half-way leaves every file
// either old or new and the next run still knows what it generated (files already written then
// compare equal to the render). Every path is re-checked to stay inside the target directory, and
// nothing is written through a symbolic link: a link (or a file where a folder should be) in a
// generated path is reported by readDisk and refused here.
// Synchronous fs calls on purpose: a run writes hundreds of small files in a row, and the sync calls
// avoid a thread-pool round trip per syscall (measured by npm run bench).
import { accessSync, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import { insideRoot } from '../util/paths.js';
import { UserError } from '../util/errors.js';
import { MANIFEST_FILE, manifestChunks, manifestEquals } from '../reconcile/manifest.js';
import { WRITES, type ChangeSet } from '../reconcile/reconcile.js';

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

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

/** A new or empty target (every `init`) holds none of the paths: no syscall per file is needed to check them. */
function isFresh(root: string): boolean {
  return !existsSync(root) || (statSync(root).isDirectory() && readdirSync(root).length === 0);
}

/** Reads the current content of the given repository-relative paths. */
export async function readDisk(root: string, paths: Iterable<string>): Promise<DiskSnapshot> {
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
      files.set(p, readFileSync(insideRoot(root, p), 'utf8'));
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') files.set(p, undefined);
      else throw err;
    }
  }
  return { files, blocked };
}

/** Refuses early (before any write) when the target cannot be written. */
export async function checkWritable(root: string): Promise<void> {
  let dir = root;
  // Find the nearest existing ancestor: that is where mkdir will have to write.
  for (;;) {
    try {
      const s = statSync(dir);
      if (!s.isDirectory()) throw new UserError(`${dir} exists and is not a directory`, [{ message: 'the target must be a directory', fix: 'choose another target directory' }]);
      break;
    } catch (err) {
      if (code(err) !== 'ENOENT') throw err;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(`Cannot write to ${dir}`, [{ message: 'permission denied', fix: 'choose a directory you can write to, or fix its permissions' }]);
  }
}

let counter = 0;
/** Writes `content` (a string, or chunks written one after the other) to `full` through a temporary sibling. */
function atomicWrite(full: string, content: string | Iterable<string>, executable: boolean, made: Set<string>, isNew = false): void {
  const dir = dirname(full);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  // An existing file keeps its permissions (a chmod is an edit too); executables stay executable.
  let mode = executable ? 0o755 : 0o644;
  const existing = isNew ? undefined : statSync(full, { throwIfNoEntry: false });
  if (existing) mode = (existing.mode & 0o777) | (executable ? 0o111 : 0);
  // dir is already absolute and normalized (insideRoot): plain concatenation, not path.join per file.
  const tmp = `${dir.endsWith(sep) ? dir : dir + sep}.cn-scaffold-tmp-${process.pid}-${counter++}`;
  try {
    // openSync + writeSync(string) rather than writeFileSync: Node 20's writeFileSync copies every
    // string into a new Buffer first (garbage worth the whole tree on every run).
    const fd = openSync(tmp, 'w', mode);
    try {
      for (const chunk of typeof content === 'string' ? [content] : content) {
        const bytes = writeSync(fd, chunk);
        if (bytes !== Buffer.byteLength(chunk)) throw new Error(`short write to ${tmp}`);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, full);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
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
    return !manifestEquals(cs.manifest, readFileSync(insideRoot(root, MANIFEST_FILE), 'utf8'));
  } catch (err) {
    if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') throw err;
  }
  return true;
}

export async function apply(root: string, cs: ChangeSet): Promise<Applied> {
  const touched = cs.changes.filter((c) => WRITES.has(c.kind) || c.kind === 'delete');
  const manifest = await manifestChanged(root, cs);
  if (touched.length === 0 && !manifest) return { written: 0, deleted: 0, manifestWritten: false };

  await checkWritable(root);
  // Resolve and check every path first: a bad one aborts before anything is written.
  const blocker: Blocker = isFresh(root) ? () => undefined : blockerFor(root);
  const planned = touched.map((c) => {
      const full = insideRoot(root, c.path);
      const why = blocker(c.path);
      if (why) throw new UserError(`Refusing to write ${c.path}`, [{ key: c.path, message: why, fix: 'replace the link with a regular file or folder, then run again; nothing was written' }]);
      return { c, full };
    });
  const manifestWhy = blocker(MANIFEST_FILE);
  if (manifestWhy) throw new UserError(`Refusing to write ${MANIFEST_FILE}`, [{ message: manifestWhy, fix: 'nothing was written' }]);

  mkdirSync(root, { recursive: true });
  const made = new Set<string>();
  let written = 0;
  let deleted = 0;
  for (const { c, full } of planned) {
    if (c.kind === 'delete') continue;
    atomicWrite(full, c.content!, c.executable ?? false, made, c.kind === 'create' && c.previous === undefined);
    written++;
  }
  for (const { c, full } of planned) {
    if (c.kind !== 'delete') continue;
    rmSync(full, { force: true });
    pruneEmptyDirs(root, c.path);
    deleted++;
  }
  // The manifest last, serialized while it is written (see manifestChunks).
  if (manifest) atomicWrite(insideRoot(root, MANIFEST_FILE), manifestChunks(cs.manifest), false, made);
  return { written, deleted, manifestWritten: manifest };
}
