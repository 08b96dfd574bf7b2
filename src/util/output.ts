// Command output, written straight to file descriptors 1 and 2 with synchronous writes. Node's
// process.stdout and process.stderr write synchronously on Linux too (to files, pipes and terminals),
// but the first touch of either builds a stream and loads the net and stream modules: ~1.5 ms of every
// run (npm run bench) for a few lines of text. Interactive prompts still use the streams
// (src/prompts/inquirer.ts calls useStreams); they write synchronously to a terminal, so the order holds.
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: number, text: string): void {
  let rest: Buffer | undefined; // set after a partial write, with what is left
  while (text.length > 0 || rest) {
    try {
      if (!rest) {
        const written = writeSync(fd, text);
        const length = Buffer.byteLength(text);
        if (written === length) return;
        rest = Buffer.from(text).subarray(written);
      } else {
        rest = rest.subarray(writeSync(fd, rest));
        if (rest.length === 0) return;
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A non-blocking pipe that is full: wait a millisecond for the reader.
      if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
      // The reader has gone (`| head`): nothing left to tell it.
      else if (code === 'EPIPE') return;
      else throw err;
    }
  }
}

/** Writes to stdout. */
export const writeOut = (text: string): void => writeAll(1, text);
/** Writes to stderr. */
export const writeErr = (text: string): void => writeAll(2, text);

let streams = false;
/** Records that process.stdout/stderr exist (prompts), so the exit waits for them to drain. */
export function useStreams(): void {
  streams = true;
}
export const streamsInUse = (): boolean => streams;
