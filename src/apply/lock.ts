// cn-scaffold's working files in a target's root: temp files, the lock a writing run holds, and the
// leftovers of a run that was killed. Two runs that read the same files and write them back at once
// would each merge against a disk the other is changing (conflict markers, "edited by you" for files
// cn-scaffold itself just wrote). So a run that writes takes `.cn-scaffold.lock` first: created
// exclusively (O_EXCL, never through a link), holding the holder's pid and host. A lock whose holder
// is gone (same host, no such process) is stale and taken over, as is an empty one older than two
// seconds (its run was killed between creating and writing it, microseconds apart); otherwise the run
// waits a little and then stops with a message. Under the lock, `.cn-scaffold-tmp-*` files (and
// `.cn-scaffold-tmp-*-stage` folders) in the root can only be leftovers of a killed run (a run makes
// them only while it holds the lock): they are removed. Each step is one or two system calls.
import { closeSync, constants, lstatSync, openSync, readSync, readdirSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join, sep } from 'node:path';
import { LOCK_FILE, TEMP_PREFIX } from '../util/paths.js';
import { UserError, fsUserError } from '../util/errors.js';

/** How long a second run waits for the first before it gives up. */
export const LOCK_WAIT_MS = 3000;
/** A lock file without a readable holder (a run killed between creating and writing it) is stale after this. */
const UNREADABLE_STALE_MS = 2000;

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;
const held = new Set<string>();
const pause = new Int32Array(new SharedArrayBuffer(4));

export interface LockState {
  /** The holder as recorded: `pid host`. */
  holder: string;
  /** Its holder is gone: a killed run. */
  stale: boolean;
}

const RUN = randomBytes(6).toString('hex');
let counter = 0;
/** The folder a run writes a fresh target into before renaming its entries into the root (src/apply/fresh.ts). */
export const stagingName = (root: string) => join(root, `${TEMP_PREFIX}${RUN}-stage`);
/** A fresh temp name: unpredictable (a random run id, then a counter), in the target's root. */
const tempName = (root: string) => `${root.endsWith(sep) ? root : root + sep}${TEMP_PREFIX}${RUN}-${counter++}`;

/**
 * Opens a new temp file exclusively: never an existing file, never through a link (O_EXCL |
 * O_NOFOLLOW). A name already taken (planted, or left over) is skipped for the next one. `name` is
 * replaceable for tests.
 */
export function createTemp(root: string, mode: number, name: (root: string) => string = tempName): { fd: number; path: string } {
  for (let attempt = 0; ; attempt++) {
    const path = name(root);
    try {
      return { fd: openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode), path };
    } catch (err) {
      if (code(err) !== 'EEXIST' || attempt >= 100) throw fsUserError(err, path) ?? err;
    }
  }
}

/** The lock file's text, read without following a link; undefined when absent or not a regular file. */
function readLock(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(256);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The state of the lock at `root`, or undefined when there is none. */
export function lockState(root: string): LockState | undefined {
  const file = join(root, LOCK_FILE);
  let mtime: number;
  try {
    mtime = lstatSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const text = readLock(file) ?? '';
  const m = /^([0-9]+) (\S+)\n$/.exec(text);
  if (!m) return { holder: 'unknown', stale: Date.now() - mtime > UNREADABLE_STALE_MS };
  const pid = Number(m[1]);
  // Another host's process cannot be checked from here: its lock holds until removed by hand.
  if (m[2] !== hostname()) return { holder: `pid ${pid} on ${m[2]}`, stale: false };
  try {
    process.kill(pid, 0);
    return { holder: `pid ${pid}`, stale: false };
  } catch (err) {
    return { holder: `pid ${pid}`, stale: code(err) === 'ESRCH' };
  }
}

/**
 * Takes the lock on `root` (an existing directory), waiting up to `waitMs` for another run to finish,
 * then removes the temp files a killed run left. Re-entrant within a process (false when it was
 * already held); released by unlockRepository or when the process exits.
 */
export function lockRepository(root: string, waitMs = LOCK_WAIT_MS): boolean {
  if (held.has(root)) return false;
  const file = join(root, LOCK_FILE);
  const deadline = Date.now() + waitMs;
  lockFrom(() => createLock(file, `${process.pid} ${hostname()}\n`), file, root, deadline);
  if (held.size === 0) process.once('exit', releaseAll);
  held.add(root);
  removeTemps(root);
  return true;
}

/** Creates the lock `file` holding `text`; false when it exists. */
function createLock(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (err) {
    if (code(err) === 'EEXIST') return false;
    throw fsUserError(err, file) ?? err;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Creates the lock, taking over a stale one and waiting for a live one until `deadline`. */
function lockFrom(create: () => boolean, file: string, root: string, deadline: number): void {
  for (;;) {
    if (create()) return;
    const seen = readLock(file);
    const state = lockState(root);
    if (state?.stale) {
      // A killed run's lock: removed only if it still holds what was judged stale, so a run that took
      // it over meanwhile keeps its own (two runs that found the same stale lock race only for the
      // microseconds between this read and the unlink; O_EXCL then lets one of them create it).
      if (readLock(file) === seen) {
        try {
          unlinkSync(file);
        } catch (err) {
          if (code(err) !== 'ENOENT') throw fsUserError(err, file) ?? err;
        }
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw new UserError(`Another cn-scaffold run (${state?.holder ?? 'unknown'}) is changing ${root}`, [
        { key: file, message: 'two runs at once would each merge against files the other is writing', fix: `wait for it to finish and run again; if no cn-scaffold is running, delete ${file}` },
      ]);
    }
    Atomics.wait(pause, 0, 0, 50);
  }
}

export function unlockRepository(root: string): void {
  if (!held.delete(root)) return;
  try {
    unlinkSync(join(root, LOCK_FILE));
  } catch {
    // already gone (removed by hand): nothing to release
  }
}

function releaseAll(): void {
  for (const root of [...held]) unlockRepository(root);
}

/**
 * Temp files and staging folders of a killed run in the root (only called under the lock: no live run
 * is writing them). A link is removed, never followed; so are links inside a staging folder.
 */
function removeTemps(root: string): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const full = join(root, name);
    try {
      if (/-stage$/.test(name) && lstatSync(full).isDirectory()) rmSync(full, { recursive: true, force: true });
      else unlinkSync(full);
    } catch {
      // another folder of that name is not ours to remove
    }
  }
}

/** True for the names a run of cn-scaffold leaves in a root: the lock and temp files. */
export const isWorkingFile = (name: string): boolean => name === LOCK_FILE || name.startsWith(TEMP_PREFIX);
