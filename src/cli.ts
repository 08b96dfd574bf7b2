// Entry point. `--version` answers before anything loads. Everything else runs the bundled program
// (dist/main.cjs) through vm.Script with V8's code cache (dist/main.cache, produced by a training run at
// build time): Node 20 has no module compile cache, and compiling the bundle on every start costs more
// than the work of a typical run. A cache from another Node/V8 version is rejected by V8 and the bundle
// simply compiles as usual.
// Built as CommonJS (see scripts/build.mjs), so `__dirname` is the dist folder.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // no cache shipped: compile normally
  }
  // The bundle is one function expression, (function (exports, require, module, __filename, __dirname)
  // {...}), built so (scripts/build.mjs). latin1: the build checks it is ASCII, for which latin1 is exact
  // and cheaper than UTF-8. A fixed name, not `file`: see src/util/script-name.ts.
  const script = new Script(readFileSync(file, 'latin1'), { filename: SCRIPT_NAME, cachedData });
  const mod = { exports: {} as { main(): Promise<void> } };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, createRequire(file), mod, file, dir);
  // Build time only: record the functions this run compiled, so later starts skip compiling them.
  if (process.env.CN_BUILD_CODE_CACHE) process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  void mod.exports.main();
}
