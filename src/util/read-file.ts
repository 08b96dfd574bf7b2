// Reading a file the user (or a repository's author) named: the answers file, cn-scaffold.yaml, the
// manifest. Only a regular file is read, and only up to a size cap: a FIFO would block the run forever,
// /dev/zero would fill memory, a folder reads as an error code. The file is opened without blocking
// (O_NONBLOCK: opening a FIFO with no writer returns at once) and checked on the open descriptor, so
// what is checked is what is read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { UserError, fsUserError } from './errors.js';

/** Answers files (and cn-scaffold.yaml): a 1,000-service file is ~100 KB. */
export const ANSWERS_MAX_BYTES = 1 << 20;

function kind(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

export interface ReadOptions {
  /** What the file is, for messages: `the answers file`. */
  what: string;
  maxBytes: number;
  /** How to refer to it in a fix: `--answers FILE`. */
  fix: string;
}

/** The file's text, or undefined when it does not exist. */
export function readUserFile(path: string, opts: ReadOptions): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    const c = (err as NodeJS.ErrnoException).code;
    if (c === 'ENOENT' || c === 'ENOTDIR') return undefined;
    throw fsUserError(err, path) ?? err;
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) {
      throw new UserError(`Cannot read ${opts.what} ${path}`, [{ key: path, message: `is ${kind(s)}; only a regular file is read`, fix: opts.fix }]);
    }
    if (s.size > opts.maxBytes) {
      throw new UserError(`Cannot read ${opts.what} ${path}`, [{ key: path, message: `is ${s.size} bytes; at most ${opts.maxBytes} are read`, fix: opts.fix }]);
    }
    // One byte more than its size: a file that grows while it is read is refused, not cut short.
    const buf = Buffer.allocUnsafe(s.size + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, null)) > 0; ) n += r;
    if (n > s.size) throw new UserError(`Cannot read ${opts.what} ${path}`, [{ key: path, message: 'changed while it was read', fix: 'run again once nothing else writes it' }]);
    return buf.toString('utf8', 0, n);
  } catch (err) {
    throw err instanceof UserError ? err : (fsUserError(err, path) ?? err);
  } finally {
    closeSync(fd);
  }
}
