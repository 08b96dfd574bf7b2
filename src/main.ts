// The program behind the entry point (src/cli.ts loads it from the bundle, with V8's code cache). It
// builds the commander program (commands load lazily) and funnels every outcome through one handler:
// user errors print message, origin and fix with exit 1/2/3/130; anything else is a bug and prints
// its stack.
import { config as configureZod } from 'zod';
import { streamsInUse, writeErr, writeOut } from './util/output.js';
const VERSION = __CN_VERSION__;
const argv = process.argv.slice(2);

export async function main(): Promise<void> {
  const { UserError, formatProblems, fsUserError, printable, ExitCode } = await import('./util/errors.js');
  const { paintErrors, problemJson } = await import('./util/style.js');
  const { locateStack } = await import('./util/script-name.js');
  const debug = argv.includes('--debug');
  const json = argv.includes('--json');
  const fail = (thrown: unknown): number => {
    // A failed system call on a path is about the user's disk (cn-scaffold's own files are compiled
    // in): a message with the path and what to do, whichever module it surfaced from.
    const err = thrown instanceof UserError ? thrown : (fsUserError(thrown) ?? thrown);
    if (err instanceof UserError) {
      if (json) writeOut(JSON.stringify({ ok: false, error: err.message, exitCode: err.exitCode, problems: err.problems.map(problemJson), ...(err.after.length ? { detail: err.after } : {}) }, null, 2) + '\n');
      writeErr(paintErrors(formatProblems(err)) + '\n');
      if (debug) writeErr(locateStack(err.stack ?? '', __filename) + '\n');
      return err.exitCode;
    }
    const stack = locateStack((err as Error)?.stack ?? String(err), __filename);
    writeErr(`cn-scaffold: internal error (a bug — please report it with this output)\n${stack.split('\n').map((l) => printable(l, 2000)).join('\n')}\n`);
    return 70;
  };
  process.on('SIGINT', () => process.exit(ExitCode.interrupted));
  let pending: Promise<number> | undefined;
  try {
    // Before any schema exists (the catalog builds them when program.js loads): zod's JIT compiles a
    // parser per object schema with new Function on first use, which a run that parses each schema
    // once or twice pays for and never gets back. A static import, not a dynamic one: see build.mjs.
    configureZod({ jitless: true });
    const { buildProgram, usageErrorFrom } = await import('./program.js');
    const { CommanderError } = await import('commander');
    const program = buildProgram(VERSION, (p) => {
      pending = p;
    });
    try {
      await program.parseAsync(process.argv);
    } catch (err) {
      if (err instanceof CommanderError) {
        // --help and --version exit through here with code 0.
        if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') {
          process.exitCode = 0;
          return;
        }
        process.exitCode = fail(usageErrorFrom(err));
        return;
      }
      throw err;
    }
    process.exitCode = pending ? await pending : 0;
  } catch (err) {
    process.exitCode = fail(err);
  } finally {
    await exitOnceFlushed();
  }
}

/**
 * Every command has finished its work here (writes to the target are synchronous; git is awaited). Exit
 * now instead of letting Node dispose of the heap on the way out, which costs ~5 ms of every run
 * (npm run bench). Command output went out with synchronous writes (src/util/output.ts); when prompts
 * used the process streams, wait until those are flushed: on some platforms a write to a pipe can
 * still be queued.
 */
async function exitOnceFlushed(): Promise<void> {
  if (streamsInUse()) {
    const flushed = (s: NodeJS.WriteStream) =>
      s.writableLength === 0 || s.destroyed
        ? undefined
        : new Promise<void>((done) => {
            s.once('drain', done);
            s.once('error', done);
            s.once('close', done);
          });
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  }
  process.exit();
}
