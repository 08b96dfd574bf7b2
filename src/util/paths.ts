// Path safety: every path that reaches the disk goes through here, so nothing — a service name, a
// template, a tampered manifest, or a symbolic link — can make cn-scaffold write or delete outside the
// target directory, or inside version-control metadata.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { ExitCode, UserError, fsUserError } from './errors.js';

// A path of plain segments (letters, digits, `_@+.-`; never empty, `.` or `..`) is already normalized and
// cannot leave the root: every generated path is one, so the checks below run only for the odd one out.
const PLAIN = /^(?:(?!\.\.?\/)[\w@+.-]+\/)*(?!\.\.?$)[\w@+.-]+$/;

/** The lock a writing run holds in the target's root (src/apply/lock.ts). */
export const LOCK_FILE = '.cn-scaffold.lock';
/** Prefix of the temporary files a run writes in the target's root before renaming them into place. */
export const TEMP_PREFIX = '.cn-scaffold-tmp-';

// A path problem is the user's: a bad argument (`explain ../x`) or a tampered manifest entry.
const unsafe = (message: string) => new UserError(message, [{ message: 'paths must stay inside the repository', fix: 'give a path relative to the repository, without ..' }], ExitCode.usage);

/** Validates a repository-relative POSIX path and returns it normalized; throws on `..`, absolute, empty. */
export function safeRelative(path: string): string {
  if (typeof path === 'string' && PLAIN.test(path)) return path;
  if (typeof path !== 'string' || path.length === 0) throw unsafe(`empty path`);
  if (path.includes('\0')) throw unsafe(`path contains NUL: ${JSON.stringify(path)}`);
  if (path.includes('\\')) throw unsafe(`path contains a backslash: ${path}`);
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path)) throw unsafe(`absolute path not allowed: ${path}`);
  const norm = normalize(path).split(sep).join('/');
  if (norm === '..' || norm.startsWith('../') || norm === '.' || norm.split('/').includes('..')) {
    throw unsafe(`path escapes the repository: ${path}`);
  }
  return norm;
}

// Version-control metadata: never generated, and what a hostile manifest would aim at (.git/HEAD and
// .git/config have predictable contents, so a forged entry can carry their exact hash).
const VCS_SEGMENT = /(?:^|\/)\.(?:git|hg|svn)(?:\/|$)/i;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why cn-scaffold may never write or delete this normalized repository-relative path, or undefined when
 * it may. Nothing the catalog generates is refused: those are plain names (a test checks every
 * generated tree).
 */
export function notGeneratable(rel: string): string | undefined {
  if (CONTROL.test(rel)) return 'contains control characters';
  if (VCS_SEGMENT.test(rel)) return 'is version-control metadata, which cn-scaffold never touches';
  if (rel === LOCK_FILE || rel.startsWith(TEMP_PREFIX)) return 'is a working file of cn-scaffold';
  return undefined;
}

// The last root resolved: a run joins hundreds of paths onto the same one.
let lastRoot = { root: '', resolved: '' };

/** Joins a safe relative path onto root and re-checks containment after resolution. */
export function insideRoot(root: string, rel: string): string {
  if (lastRoot.root !== root) lastRoot = { root, resolved: resolve(root) };
  const base = lastRoot.resolved;
  if (sep === '/' && typeof rel === 'string' && PLAIN.test(rel)) return base === '/' ? `/${rel}` : `${base}/${rel}`;
  const safe = safeRelative(rel);
  const full = join(base, safe);
  const back = relative(base, full);
  if (back.startsWith('..') || isAbsolute(back)) throw unsafe(`path escapes the repository: ${rel}`);
  return full;
}

export interface Target {
  /** The directory as given, made absolute. */
  given: string;
  /** Where the files really go: every symbolic link on the way resolved (folders may not exist yet). */
  real: string;
  /** The first symbolic link on the way, when there is one. */
  link?: string;
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * Resolves a target directory one component at a time (an lstat each: microseconds), so a symbolic
 * link anywhere on the way is seen and a dangling one is named, instead of being followed by mkdir.
 */
export function realTarget(dir: string): Target {
  const given = resolve(dir);
  const parts = given.split(sep).filter(Boolean);
  let cur: string = sep;
  let link: string | undefined;
  for (let i = 0; i < parts.length; i++) {
    const next = join(cur, parts[i]!);
    let st;
    try {
      st = lstatSync(next);
    } catch (err) {
      if (code(err) === 'ENOENT') return { given, real: join(next, ...parts.slice(i + 1)), link };
      if (code(err) === 'ENOTDIR') throw notADirectory(given, cur);
      throw fsUserError(err, next) ?? err;
    }
    if (st.isSymbolicLink()) {
      link ??= next;
      try {
        cur = realpathSync(next);
      } catch (err) {
        if (code(err) === 'ENOENT') {
          throw new UserError(`Cannot use ${given}: ${next} is a symbolic link to ${readlinkSync(next)}, which does not exist`, [
            { key: next, message: 'a dangling symbolic link', fix: 'create the folder it points to, or choose another directory' },
          ]);
        }
        throw fsUserError(err, next) ?? err;
      }
    } else if (!st.isDirectory()) {
      throw notADirectory(given, next);
    } else {
      cur = next;
    }
  }
  return { given, real: cur, link };
}

function notADirectory(given: string, at: string): UserError {
  return new UserError(`${at} exists and is not a directory`, [{ key: given, message: 'the target must be a directory', fix: 'choose another target directory' }]);
}
