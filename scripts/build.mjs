// Builds dist/: a tiny ESM entry (dist/cli.js) and the whole program as one CommonJS bundle
// (dist/main.cjs) with every library and every template (precompiled) inside, so the published
// package has no runtime dependencies. The entry runs the bundle with V8's code cache (dist/main.cache),
// which this script produces by running the built CLI once on a representative job.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { esbuildTemplatesPlugin } from './templates-plugin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// CN_OUTDIR lets several people build side by side without deleting each other's dist/.
const outdir = process.env.CN_OUTDIR ?? join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  define: { __CN_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: { main: join(root, 'src/main.ts') },
  outdir,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  plugins: [esbuildTemplatesPlugin(join(root, 'templates'))],
});
await build({
  ...common,
  entryPoints: { cli: join(root, 'src/cli.ts') },
  outdir,
  format: 'esm',
  banner: { js: '#!/usr/bin/env node' },
});
chmodSync(join(outdir, 'cli.js'), 0o755);

// Training run for the code cache: the default stack exercises the code paths of a typical run.
const scratch = mkdtempSync(join(tmpdir(), 'cn-build-'));
try {
  execFileSync(process.execPath, [join(outdir, 'cli.js'), 'init', join(scratch, 'app'), '--yes', '--no-git'], {
    env: { ...process.env, CN_BUILD_CODE_CACHE: '1', CI: '1' },
    stdio: 'ignore',
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
