// Path safety: every path that reaches the disk goes through here, so nothing — a service name, a
// template, or a tampered manifest — can make cn-scaffold write or delete outside the target directory.
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

// A path of plain segments (letters, digits, `_@+.-`; never empty, `.` or `..`) is already normalized and
// cannot leave the root: every generated path is one, so the checks below run only for the odd one out.
const PLAIN = /^(?:(?!\.\.?\/)[\w@+.-]+\/)*(?!\.\.?$)[\w@+.-]+$/;

/** Validates a repository-relative POSIX path and returns it normalized; throws on `..`, absolute, empty. */
export function safeRelative(path: string): string {
  if (typeof path === 'string' && PLAIN.test(path)) return path;
  if (typeof path !== 'string' || path.length === 0) throw new Error(`empty path`);
  if (path.includes('\0')) throw new Error(`path contains NUL: ${JSON.stringify(path)}`);
  if (path.includes('\\')) throw new Error(`path contains a backslash: ${path}`);
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path)) throw new Error(`absolute path not allowed: ${path}`);
  const norm = normalize(path).split(sep).join('/');
  if (norm === '..' || norm.startsWith('../') || norm === '.' || norm.split('/').includes('..')) {
    throw new Error(`path escapes the repository: ${path}`);
  }
  return norm;
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
  if (back.startsWith('..') || isAbsolute(back)) throw new Error(`path escapes the repository: ${rel}`);
  return full;
}
