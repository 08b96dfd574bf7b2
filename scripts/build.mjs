// Builds dist/: one ESM entry (dist/cli.js) plus lazily-loaded chunks, with every library and every
// template bundled in, so the published package has no runtime dependencies and `--version` loads
// only the small entry chunk.
import { build } from 'esbuild';
import { readFileSync, rmSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { esbuildTemplatesPlugin } from './templates-plugin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// CN_OUTDIR lets several people build side by side without deleting each other's dist/.
const outdir = process.env.CN_OUTDIR ?? join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: join(root, 'src/cli.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  define: { __CN_VERSION__: JSON.stringify(pkg.version) },
  // Some bundled CommonJS libraries call require() for node built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __cnCreateRequire } from 'node:module'; const require = __cnCreateRequire(import.meta.url);",
  },
  plugins: [esbuildTemplatesPlugin(join(root, 'templates'))],
  logLevel: 'warning',
});
chmodSync(join(outdir, 'cli.js'), 0o755);
