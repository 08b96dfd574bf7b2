// The only module that writes the user's disk. Each file is written to a temporary sibling and
// renamed into place (atomic on POSIX), the manifest last, so a run killed half-way leaves every file
// either old or new and the next run still knows what it generated. Every path is re-checked to stay
// inside the target directory.
import { mkdir, readFile, rename, rm, writeFile, access, constants, stat, rmdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { insideRoot } from '../util/paths.js';
import { UserError } from '../util/errors.js';
import { MANIFEST_FILE, serializeManifest } from '../reconcile/manifest.js';
import { WRITES, type ChangeSet } from '../reconcile/reconcile.js';

/** Reads the current content of the given repository-relative paths (undefined when absent). */
export async function readDisk(root: string, paths: Iterable<string>): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  await Promise.all(
    [...new Set(paths)].map(async (p) => {
      try {
        out.set(p, await readFile(insideRoot(root, p), 'utf8'));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') out.set(p, undefined);
        else throw err;
      }
    }),
  );
  return out;
}

/** Refuses early (before any write) when the target cannot be written. */
export async function checkWritable(root: string): Promise<void> {
  let dir = root;
  // Find the nearest existing ancestor: that is where mkdir will have to write.
  for (;;) {
    try {
      const s = await stat(dir);
      if (!s.isDirectory()) throw new UserError(`${dir} exists and is not a directory`, [{ message: 'the target must be a directory', fix: 'choose another target directory' }]);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UserError(`Cannot write to ${dir}`, [{ message: 'permission denied', fix: 'choose a directory you can write to, or fix its permissions' }]);
  }
}

let counter = 0;
async function atomicWrite(full: string, content: string, executable: boolean): Promise<void> {
  await mkdir(dirname(full), { recursive: true });
  const tmp = join(dirname(full), `.cn-scaffold-tmp-${process.pid}-${counter++}`);
  try {
    await writeFile(tmp, content, { mode: executable ? 0o755 : 0o644 });
    await rename(tmp, full);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Removes now-empty parent folders of a deleted file, up to (not including) the root. */
async function pruneEmptyDirs(root: string, rel: string): Promise<void> {
  let dir = dirname(rel);
  while (dir !== '.' && dir !== '') {
    const full = insideRoot(root, dir);
    try {
      if ((await readdir(full)).length > 0) return;
      await rmdir(full);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}

export async function apply(root: string, cs: ChangeSet): Promise<void> {
  await checkWritable(root);
  // Resolve every path first: a bad one aborts before anything is written.
  const planned = cs.changes.map((c) => ({ c, full: insideRoot(root, c.path) }));
  insideRoot(root, MANIFEST_FILE);
  await mkdir(root, { recursive: true });
  for (const { c, full } of planned) {
    if (WRITES.has(c.kind)) await atomicWrite(full, c.content!, c.executable ?? false);
  }
  for (const { c, full } of planned) {
    if (c.kind === 'delete') {
      await rm(full, { force: true });
      await pruneEmptyDirs(root, c.path);
    }
  }
  await atomicWrite(insideRoot(root, MANIFEST_FILE), serializeManifest(cs.manifest), false);
}
