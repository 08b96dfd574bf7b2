// Entry point. `--version` answers before anything loads. Everything else runs the bundled program
// (dist/main.cjs) through vm.Script with V8's code cache (dist/main.cache, produced by a training run at
// build time): Node 20 has no module compile cache, and compiling the bundle on every start costs more
// than the work of a typical run. A cache from another Node/V8 version is rejected by V8 and the bundle
// simply compiles as usual.
// Built as CommonJS (see scripts/build.mjs), so `__dirname` is the dist folder.
import { closeSync, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { SCRIPT_NAME } from './util/script-name.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(__CN_VERSION__ + '\n');
} else {
  const dir = __dirname;
  const file = join(dir, 'main.cjs');
  const cacheFile = join(dir, 'main.cache');
  // One buffer for both files, read one after the other: the bundle's bytes are copied into a string
  // before the cache is read over them. Fresh memory costs a page fault per 4 KiB touched, ~1.4 us on
  // the machines we measure (~0.6 ms for a second 1.8 MB buffer). A missing cache: compile normally.
  const bundle = openSync(file, 'r');
  let buf = Buffer.allocUnsafeSlow(fstatSync(bundle).size);
  let source: string;
  try {
    source = buf.toString('latin1', 0, readInto(bundle, buf));
  } finally {
    closeSync(bundle);
  }
  let cachedData: Buffer | undefined;
  try {
    const cache = openSync(cacheFile, 'r');
    try {
      const size = fstatSync(cache).size;
      if (size > buf.length) buf = Buffer.allocUnsafeSlow(size);
      cachedData = buf.subarray(0, readInto(cache, buf.subarray(0, size)));
    } finally {
      closeSync(cache);
    }
  } catch {
    cachedData = undefined; // no cache shipped: compile normally
  }
  // The bundle is one function expression, (function (exports, require, module, __filename, __dirname)
  // {...}), built so (scripts/build.mjs). latin1: the build checks it is ASCII, for which latin1 is exact
  // and cheaper than UTF-8. A fixed name, not `file`: see src/util/script-name.ts.
  // The bundle gets this entry's own `require` (the same folder, and it loads only Node's modules):
  // createRequire would load node:module and the ES module loader behind it (~0.14 ms).
  const script = new Script(source, { filename: SCRIPT_NAME, cachedData });
  const mod = { exports: {} as { main(): Promise<void> } };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, require, mod, file, dir);
  // Build time only: record the functions this run compiled, so later starts skip compiling them.
  if (process.env.CN_BUILD_CODE_CACHE) process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  void mod.exports.main();
}

/** Reads the whole file into buf (sized to it); returns the bytes read. */
function readInto(fd: number, buf: Buffer): number {
  let n = 0;
  for (let got; n < buf.length && (got = readSync(fd, buf, n, buf.length - n, n)) > 0; ) n += got;
  return n;
}
